package io.consulwatchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class data sharing for `run`: the archive written at the first exit is used from the
 * next start on, and a truncated one (on which a JVM crashes) is thrown away instead of being used.
 */
class LauncherCdsTest {
  private static final Path LAUNCHER = Path.of("bin/consul-watchdog");

  @TempDir Path dir;

  private Path jar() throws IOException {
    Path jar = dir.resolve("probe.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, CdsProbeMain.class.getName());
    String entry = CdsProbeMain.class.getName().replace('.', '/') + ".class";
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest);
        InputStream cls = CdsProbeMain.class.getResourceAsStream("/" + entry)) {
      j.putNextEntry(new JarEntry(entry));
      cls.transferTo(j);
      j.closeEntry();
    }
    return jar;
  }

  private String run(Path jar, Path cdsDir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toAbsolutePath().toString(), "run").redirectErrorStream(true)
        .directory(dir.toFile());
    pb.environment().put("CONSUL_WATCHDOG_JAR", jar.toString());
    pb.environment().put("CONSUL_WATCHDOG_CDS_DIR", cdsDir.toString());
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("CONSUL_WATCHDOG_CDS");
    Process p = pb.start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.exitValue()).as("exit code, output: %s", out).isZero();
      return out;
    } finally {
      p.destroyForcibly();
    }
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void archiveWrittenAtExitIsCheckedThenUsedAndATruncatedOneIsDiscarded() throws Exception {
    Path jar = jar();
    Path cds = Files.createDirectories(dir.resolve("cds"));

    assertThat(run(jar, cds)).contains("probe");
    List<String> first = files(cds);
    assertThat(first).singleElement().asString().matches("consul-watchdog-\\d+\\.jsa\\.partial\\.\\d+");

    assertThat(run(jar, cds)).contains("probe");
    List<String> second = files(cds);
    assertThat(second).singleElement().asString().matches("consul-watchdog-\\d+\\.jsa");

    Path archive = cds.resolve(second.get(0));
    byte[] bytes = Files.readAllBytes(archive);
    Files.write(cds.resolve(second.get(0) + ".partial.1"), Arrays.copyOf(bytes, bytes.length / 3));
    Files.delete(archive);
    assertThat(run(jar, cds)).contains("probe"); // a JVM started on it would die of SIGBUS
    assertThat(files(cds)).singleElement().asString().matches("consul-watchdog-\\d+\\.jsa\\.partial\\.\\d+")
        .isNotEqualTo(second.get(0) + ".partial.1");
    assertThat(files(dir)).as("no crash report of the check left behind").noneMatch(f -> f.startsWith("hs_err"));
  }
}

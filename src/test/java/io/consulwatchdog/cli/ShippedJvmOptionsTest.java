package io.consulwatchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit runs the daemon with the same JVM options as the launcher's defaults, and the launcher
 * caps glibc's malloc arenas unless the operator chose a number.
 */
class ShippedJvmOptionsTest {
  private static String find(Path file, String regex) throws IOException {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(Files.readString(file));
    assertThat(m.find()).as("%s in %s", regex, file).isTrue();
    return m.group(1);
  }

  @Test
  void unitAndLauncherAgree() throws IOException {
    String launcher = find(Path.of("bin/consul-watchdog"), "^default_java_opts=\"([^\"]+)\"$");
    String unit = find(Path.of("systemd/consul-watchdog.service"), "^Environment=\"JAVA_OPTS=([^\"]+)\"$");
    assertThat(unit).isEqualTo(launcher).contains("-Xmx");
  }

  @Test
  void theLauncherCapsMallocArenasUnlessTheOperatorSetsThem(@TempDir Path dir) throws Exception {
    assertThat(arenasSeenByJava(dir, Map.of())).isEqualTo("2");
    assertThat(arenasSeenByJava(dir, Map.of("MALLOC_ARENA_MAX", "4"))).isEqualTo("4");
  }

  /** Runs the launcher with a stand-in for java that prints the MALLOC_ARENA_MAX it was given. */
  private static String arenasSeenByJava(Path dir, Map<String, String> env) throws Exception {
    Path java = dir.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"${MALLOC_ARENA_MAX:-unset}\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    Path jar = Files.writeString(dir.resolve("consul-watchdog.jar"), "not a jar");
    ProcessBuilder pb = new ProcessBuilder("bin/consul-watchdog", "--version").redirectErrorStream(true);
    pb.environment().remove("MALLOC_ARENA_MAX");
    pb.environment().putAll(Map.of("JAVA", java.toString(), "CONSUL_WATCHDOG_JAR", jar.toString()));
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    } finally {
      p.destroyForcibly();
    }
  }
}

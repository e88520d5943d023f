package io.consulwatchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The systemd unit runs the daemon with the same JVM options as the launcher's defaults. */
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
}

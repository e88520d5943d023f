package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShellQuotingTest {

  @Test
  void quotesEveryArgumentAndEscapesSingleQuotes() {
    assertThat(ShellQuoting.quote(List.of("systemctl", "stop", "consul"))).isEqualTo("'systemctl' 'stop' 'consul'");
    assertThat(ShellQuoting.quote("it's")).isEqualTo("'it'\\''s'");
    assertThat(ShellQuoting.quote("")).isEqualTo("''");
    assertThatThrownBy(() -> ShellQuoting.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRealShellGetsEveryArgumentBackUnchanged() {
    List<String> nasty = List.of("FOO=bar", "$HOME", "$(id)", "`id`", "a b", "'", "''", "\"", "\\", "*", "~", "-n",
        "line\nbreak", "; rm -rf /", "&&", "#", "é ü 日本");
    List<String> argv = new ArrayList<>(List.of("printf", "[%s]\\n"));
    argv.addAll(nasty);
    ExecutionResult r = ProcessRunner.run(List.of("/bin/sh", "-c", ShellQuoting.quote(argv)), Duration.ofSeconds(10));
    assertThat(r.success()).as(r.error()).isTrue();
    StringBuilder expected = new StringBuilder();
    nasty.forEach(s -> expected.append('[').append(s).append("]\n"));
    assertThat(r.stdout()).isEqualTo(expected.toString());
  }
}

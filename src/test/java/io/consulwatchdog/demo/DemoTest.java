package io.consulwatchdog.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the demo non-interactively, as README's first command does, and reads its summary. */
@Tag("lab")
class DemoTest {
  @TempDir Path output;

  private record Run(int exit, String out) {}

  private Run demo(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    List<String> argv = new ArrayList<>(List.of("demo", "--output", output.toString()));
    argv.addAll(List.of(args));
    return new Run(cl.execute(argv.toArray(String[]::new)), out.toString());
  }

  @Test
  void defaultScenarioHealsTheStuckClusterKeepingEveryKey() throws Exception {
    Run r = demo();
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("QUORUM_LOST (STALE_CONFIGURATION)")
        .contains("strategy peers-json")
        .contains("keys written before the outage and readable now: 50/50")
        .contains("DEMO PASSED");
    Matcher timings = Pattern.compile("detected \\+([\\d.]+) s, recovery started \\+([\\d.]+) s, healthy again \\+([\\d.]+) s")
        .matcher(r.out());
    assertThat(timings.find()).as(r.out()).isTrue();
    assertThat(Double.parseDouble(timings.group(3))).isGreaterThan(Double.parseDouble(timings.group(2)));
    assertThat(Files.readString(output.resolve("audit.jsonl"))).contains("peers-json").contains("SUCCEEDED");
    assertThat(Files.readString(output.resolve("metrics.txt"))).contains("consul_watchdog_recoveries_succeeded_total");
    assertNoConsulLeft();
  }

  @Test
  void leaderKillScenarioStartsNoRecovery() throws Exception {
    Run r = demo("--scenario", "leader-kill");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("recoveries started: 0").contains("DEMO PASSED").doesNotContain("starting recovery");
    assertNoConsulLeft();
  }

  @Test
  void unknownScenarioIsAUsageError() {
    assertThat(demo("--scenario", "nope").exit()).isEqualTo(64);
  }

  private static void assertNoConsulLeft() {
    // the demo's lab names its servers demo-sN; none of its processes may outlive it
    assertThat(ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("-node=demo-s")).orElse(false))
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .toList()).isEmpty();
  }
}

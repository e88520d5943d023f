package io.consulwatchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures;
import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.observe.KnownServer;
import io.consulwatchdog.observe.KnownTopology;
import io.consulwatchdog.observe.RetirementStore;
import io.consulwatchdog.observe.TopologyStore;
import io.consulwatchdog.recover.AuditEvent;
import io.consulwatchdog.recover.AuditJournal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RetireCommandTest {
  private static final String OLD2 = "22222222-bbbb-bbbb-bbbb-222222222222";
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Fixtures.T0);

  private Path config() throws Exception {
    Path f = dir.resolve("config.yml");
    Files.writeString(f, """
        state_dir: %s
        clusters:
          - name: dc1
            servers:
              - {name: s1, http_address: "http://127.0.0.1:8500"}
              - {name: s4, http_address: "http://127.0.0.4:8500"}
        """.formatted(dir.resolve("state")));
    new TopologyStore(dir.resolve("state")).saveIfChanged(new KnownTopology("dc1", Fixtures.T0, 3, List.of(
        new KnownServer("s1", "11111111-aaaa-aaaa-aaaa-111111111111", "127.0.0.1:8300", "1.8.7", true),
        new KnownServer("s2", OLD2, "127.0.0.2:8300", "1.8.7", true))));
    return f;
  }

  private String run(int exit, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.getSubcommands().get("retire").getCommandSpec().commandLine().setOut(new PrintWriter(out));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    cl.getSubcommands().get("retire").setErr(new PrintWriter(out));
    assertThat(cl.execute(args)).as(out.toString()).isEqualTo(exit);
    return out.toString();
  }

  @Test
  void retiresAVoterByItsNameInTheTopologyAndJournalsIt() throws Exception {
    Path cfg = config();
    String out = run(0, "retire", "--config", cfg.toString(), "dc1", "s2", "--note", "host destroyed");
    assertThat(out).contains("voter " + OLD2 + " (s2) retired").contains("host destroyed");
    assertThat(new RetirementStore(dir.resolve("state")).nodeIds("dc1")).containsExactly(OLD2);
    assertThat(new AuditJournal(dir.resolve("state"), "dc1", clock).read(AuditEvent.VoterRetired.class))
        .singleElement().satisfies(e -> assertThat(e.nodeId()).isEqualTo(OLD2));
  }

  @Test
  void refusesAConfiguredServerAndAnUnknownName() throws Exception {
    Path cfg = config();
    assertThat(run(64, "retire", "--config", cfg.toString(), "dc1", "s1")).contains("is a configured server");
    assertThat(run(64, "retire", "--config", cfg.toString(), "dc1", "s9"))
        .contains("neither a node ID nor a name").contains("it knows: s1, s2");
    assertThat(new RetirementStore(dir.resolve("state")).nodeIds("dc1")).isEmpty();
  }
}

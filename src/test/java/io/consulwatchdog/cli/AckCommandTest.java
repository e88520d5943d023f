package io.consulwatchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures;
import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import io.consulwatchdog.recover.AuditEvent;
import io.consulwatchdog.recover.AuditJournal;
import io.consulwatchdog.recover.RecoveryStatusStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AckCommandTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Fixtures.T0.plus(Duration.ofHours(1)));

  private Path config() throws Exception {
    Path f = dir.resolve("config.yml");
    Files.writeString(f, """
        state_dir: %s
        clusters:
          - name: dc1
            servers:
              - {name: s1, http_address: "http://127.0.0.1:8500"}
        """.formatted(dir.resolve("state")));
    return f;
  }

  private String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new AckCommand(clock));
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    assertThat(cl.execute(args)).as(out.toString()).isEqualTo(0);
    return out.toString();
  }

  @Test
  void clearsTheEscalationAndJournalsTheAcknowledgement() throws Exception {
    Path cfg = config();
    RecoveryStatusStore store = new RecoveryStatusStore(dir.resolve("state"));
    store.save(new RecoveryStatus("dc1", RecoveryState.ESCALATED, Fixtures.T0, Optional.of("r3"), Optional.empty(),
        List.of(Fixtures.T0, Fixtures.T0, Fixtures.T0), true, Optional.empty()));

    String out = run("--config", cfg.toString(), "dc1", "--note", "disk replaced on s2");

    assertThat(out).contains("cluster dc1: ESCALATED -> IDLE").contains("3 recent failures cleared");
    RecoveryStatus after = store.load("dc1").orElseThrow();
    assertThat(after.state()).isEqualTo(RecoveryState.IDLE);
    assertThat(after.escalated()).isFalse();
    assertThat(after.recentFailures()).isEmpty();
    assertThat(after.acknowledgedAt()).contains(clock.instant());
    List<AuditEvent> events = new AuditJournal(dir.resolve("state"), "dc1", clock).read();
    assertThat(events).singleElement().isInstanceOfSatisfying(AuditEvent.Acknowledged.class, e -> {
      assertThat(e.event()).isEqualTo(AuditEvent.ACKNOWLEDGED);
      assertThat(e.recoveryId()).isEqualTo("r3");
      assertThat(e.reason()).contains("disk replaced on s2");
    });
  }

  @Test
  void aClusterThatIsNotEscalatedIsLeftAlone() throws Exception {
    String out = run("--config", config().toString(), "dc1");
    assertThat(out).contains("is IDLE, not ESCALATED: nothing to acknowledge");
    assertThat(Files.exists(dir.resolve("state/dc1/state.json"))).isFalse();
    assertThat(Files.exists(dir.resolve("state/dc1/audit.jsonl"))).isFalse();
  }
}

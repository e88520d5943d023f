package io.consulwatchdog.recover;

import static io.consulwatchdog.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryHistoryTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  @Test
  void eachRecoveryOfTheJournalWithItsStepsOutcomeAndUndos() {
    AuditJournal journal = new AuditJournal(dir, "dc1", clock);
    RecoveryPlan dry = AuditJournalTest.plan("r0");
    journal.recoveryPlanned(dry, true);
    journal.recoveryFinished("r0", AuditEvent.DRY_RUN, "mode dry-run");

    clock.advance(Duration.ofMinutes(10));
    RecoveryPlan failed = AuditJournalTest.plan("r1");
    journal.recoveryPlanned(failed, false);
    journal.stepStarted("r1", 0, failed.steps().get(0));
    clock.advance(Duration.ofSeconds(2));
    journal.stepFinished("r1", 0, failed.steps().get(0), ExecutionResult.ok("", "", Duration.ofSeconds(2)));
    journal.stepStarted("r1", 1, failed.steps().get(1));
    journal.stepFinished("r1", 1, failed.steps().get(1), ExecutionResult.failed("disk full", Duration.ofMillis(30)));
    Step undo = failed.steps().get(0).undo().orElseThrow();
    journal.undoStarted("r1", 0, undo);
    journal.undoFinished("r1", 0, undo, ExecutionResult.ok("", "", Duration.ofSeconds(1)));
    clock.advance(Duration.ofSeconds(5));
    journal.recoveryFinished("r1", AuditEvent.FAILED, "step 2 failed");

    clock.advance(Duration.ofMinutes(10));
    RecoveryPlan open = AuditJournalTest.plan("r2");
    journal.recoveryPlanned(open, false);
    journal.stepStarted("r2", 0, open.steps().get(0));

    List<RecoveryHistory.Recovery> recoveries = RecoveryHistory.of(journal.read());
    assertThat(recoveries).extracting(RecoveryHistory.Recovery::id).containsExactly("r0", "r1", "r2");

    RecoveryHistory.Recovery r0 = recoveries.get(0);
    assertThat(r0.dryRun()).isTrue();
    assertThat(r0.outcome()).isEqualTo(AuditEvent.DRY_RUN);
    assertThat(r0.steps()).isEmpty();

    RecoveryHistory.Recovery r1 = recoveries.get(1);
    assertThat(r1.strategy()).isEqualTo("peers-json");
    assertThat(r1.start()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    assertThat(r1.end()).contains(T0.plus(Duration.ofMinutes(10)).plusSeconds(7));
    assertThat(r1.outcome()).isEqualTo(AuditEvent.FAILED);
    assertThat(r1.reason()).isEqualTo("step 2 failed");
    assertThat(r1.plannedSteps()).isEqualTo(5);
    assertThat(r1.steps()).hasSize(2);
    assertThat(r1.steps().get(0).success()).contains(true);
    assertThat(r1.steps().get(0).destructive()).isTrue();
    assertThat(r1.steps().get(1).success()).contains(false);
    assertThat(r1.steps().get(1).error()).isEqualTo("disk full");
    assertThat(r1.undone()).singleElement().satisfies(u -> {
      assertThat(u.index()).isZero();
      assertThat(u.success()).contains(true);
    });
    assertThat(r1.stepsSummary()).isEqualTo("2/5, step 2 failed");

    RecoveryHistory.Recovery r2 = recoveries.get(2);
    assertThat(r2.outcome()).isEqualTo(RecoveryHistory.UNFINISHED);
    assertThat(r2.end()).isEmpty();
    assertThat(r2.steps()).singleElement().satisfies(s -> assertThat(s.success()).isEqualTo(Optional.empty()));
    assertThat(r2.stepsSummary()).isEqualTo("1/5, step 1 under way");
  }

  @Test
  void theLastRecoveryIsTheLastOneThatRanNotALaterDryRun() {
    AuditJournal journal = new AuditJournal(dir, "dc1", clock);
    assertThat(RecoveryHistory.lastRun(journal.read())).isEmpty();
    journal.recoveryPlanned(AuditJournalTest.plan("r1"), false);
    journal.recoveryFinished("r1", AuditEvent.SUCCEEDED, "verified");
    journal.recoveryPlanned(AuditJournalTest.plan("r2"), true);
    journal.recoveryFinished("r2", AuditEvent.DRY_RUN, "mode paused");
    assertThat(RecoveryHistory.lastRun(journal.read())).map(RecoveryHistory.Recovery::id).contains("r1");
  }
}

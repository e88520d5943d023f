package io.consulwatchdog.recover;

import static io.consulwatchdog.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.LogCapture;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import io.consulwatchdog.recover.UnfinishedRecovery.ResumePoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditJournalTest {
  private static final Duration T = Duration.ofSeconds(20);
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  /** stop s1 (destructive), backup (not), write peers.json (destructive), start, wait for leader. */
  static RecoveryPlan plan(String id) {
    return new RecoveryPlan(id, "dc1", "peers-json", "test", T0, List.of(
        new Step.StopAgent("s1", T),
        new Step.BackupRaftDir("s1", "/data/s1/raft", "/data/s1/raft.backup-" + id, T),
        new Step.WritePeersJson("s1", "/data/s1/raft/peers.json", "[]", T),
        new Step.StartAgent("s1", T),
        new Step.WaitForLeader(T)));
  }

  private AuditJournal journal() {
    return new AuditJournal(dir, "dc1", clock);
  }

  private void runSteps(AuditJournal j, RecoveryPlan p, int count) {
    for (int i = 0; i < count; i++) {
      j.stepStarted(p.id(), i, p.steps().get(i));
      clock.advance(Duration.ofSeconds(1));
      j.stepFinished(p.id(), i, p.steps().get(i), ExecutionResult.ok("out", "", Duration.ofSeconds(1)));
    }
  }

  @Test
  void linesWrittenBeforeEventsHadTheirOwnTypesAreStillRead() throws Exception {
    Files.createDirectories(dir.resolve("dc1"));
    Files.writeString(dir.resolve("dc1/audit.jsonl"), """
        {"time":"2026-11-25T21:00:00Z","recoveryId":"r0","cluster":"dc1","event":"step-started","stepIndex":0,"step":"stop agent s1 (no graceful leave)","destructive":true}
        {"time":"2026-11-25T21:00:01Z","recoveryId":"r0","cluster":"dc1","event":"recovery-finished","outcome":"FAILED","reason":"old"}
        """);
    List<AuditEvent> events = new AuditJournal(dir, "dc1", clock).read();
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isInstanceOfSatisfying(AuditEvent.StepStarted.class,
        e -> assertThat(e.destructive()).isTrue());
    assertThat(events.get(1)).isInstanceOfSatisfying(AuditEvent.RecoveryFinished.class,
        e -> assertThat(e.reason()).isEqualTo("old"));
  }

  @Test
  void eventsAreAppendedAsJsonLinesAndReadBack() throws Exception {
    AuditJournal j = journal();
    RecoveryPlan p = plan("r1");
    j.recoveryPlanned(p, false);
    runSteps(j, p, 1);
    j.stepStarted("r1", 1, p.steps().get(1));
    j.stepFinished("r1", 1, p.steps().get(1),
        new ExecutionResult(false, 2, "x".repeat(10_000), "cp: denied", Duration.ofMillis(40), "exit 2"));
    j.recoveryFinished("r1", AuditEvent.FAILED, "step 2 failed");

    List<String> lines = Files.readAllLines(dir.resolve("dc1/audit.jsonl"));
    assertThat(lines).hasSize(6);
    assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("{\"event\":\"").contains("\"time\":\"2026-11-25T21:00")
        .contains("\"recoveryId\":\"r1\"").contains("\"cluster\":\"dc1\""));
    List<AuditEvent> events = j.read();
    assertThat(events).extracting(AuditEvent::event).containsExactly(AuditEvent.RECOVERY_PLANNED,
        AuditEvent.STEP_STARTED, AuditEvent.STEP_FINISHED, AuditEvent.STEP_STARTED, AuditEvent.STEP_FINISHED,
        AuditEvent.RECOVERY_FINISHED);
    assertThat(((AuditEvent.RecoveryPlanned) events.get(0)).plan()).isEqualTo(p);
    AuditEvent.StepStarted started = (AuditEvent.StepStarted) events.get(1);
    assertThat(started.destructive()).isTrue();
    assertThat(started.step()).isEqualTo("stop agent s1 (no graceful leave)");
    AuditEvent.StepFinished failed = (AuditEvent.StepFinished) events.get(4);
    assertThat(failed.success()).isFalse();
    assertThat(failed.exitCode()).isEqualTo(2);
    assertThat(failed.stderr()).isEqualTo("cp: denied");
    assertThat(failed.stdout()).hasSizeLessThan(AuditJournal.MAX_OUTPUT + 40).endsWith("[6000 more chars]");
    assertThat(failed.durationMillis()).isEqualTo(40);
    assertThat(((AuditEvent.RecoveryFinished) events.get(5)).outcome()).isEqualTo(AuditEvent.FAILED);
    assertThat(j.unfinished()).isEmpty();
  }

  @Test
  void aDryRunPlanIsNeverAnUnfinishedRecovery() {
    AuditJournal j = journal();
    j.recoveryPlanned(plan("r1"), true);
    assertThat(j.unfinished()).isEmpty();
  }

  @Test
  void completedStepsAreNotRunAgain() {
    AuditJournal j = journal();
    RecoveryPlan p = plan("r1");
    j.recoveryPlanned(p, false);
    runSteps(j, p, 3);
    UnfinishedRecovery u = j.unfinished().orElseThrow();
    assertThat(u.plan()).isEqualTo(p);
    assertThat(u.finished()).containsOnlyKeys(0, 1, 2);
    assertThat(u.dangling()).isEmpty();
    assertThat(u.resumePoint()).isEqualTo(new ResumePoint.Continue(3));
  }

  @Test
  void aDestructiveStepThatStartedWithoutAnEndIsNeverRepeated() {
    AuditJournal j = journal();
    RecoveryPlan p = plan("r1");
    j.recoveryPlanned(p, false);
    runSteps(j, p, 2);
    j.stepStarted("r1", 2, p.steps().get(2));
    ResumePoint point = j.unfinished().orElseThrow().resumePoint();
    assertThat(point).isInstanceOf(ResumePoint.Abandon.class);
    assertThat(((ResumePoint.Abandon) point).reason()).contains("step 3").contains("write /data/s1/raft/peers.json")
        .contains("destructive").contains("not repeated");
  }

  @Test
  void aNonDestructiveStepThatStartedWithoutAnEndIsRetried() {
    AuditJournal j = journal();
    RecoveryPlan p = plan("r1");
    j.recoveryPlanned(p, false);
    runSteps(j, p, 4);
    j.stepStarted("r1", 4, p.steps().get(4));
    assertThat(j.unfinished().orElseThrow().resumePoint()).isEqualTo(new ResumePoint.Continue(4));
  }

  @Test
  void aStepThatFailedBeforeTheCrashEndsTheRecovery() {
    AuditJournal j = journal();
    RecoveryPlan p = plan("r1");
    j.recoveryPlanned(p, false);
    j.stepStarted("r1", 0, p.steps().get(0));
    j.stepFinished("r1", 0, p.steps().get(0), ExecutionResult.failed("timeout", Duration.ofSeconds(20)));
    assertThat(j.unfinished().orElseThrow().resumePoint()).isInstanceOf(ResumePoint.Abandon.class);
  }

  @Test
  void aJournalTornMidLineIsReadUpToTheTearAndStillAppendable() throws Exception {
    AuditJournal j = journal();
    RecoveryPlan p = plan("r1");
    j.recoveryPlanned(p, false);
    runSteps(j, p, 2);
    j.stepStarted("r1", 2, p.steps().get(2));
    // Crash while writing the end of step 3: half a line, no newline.
    Path file = dir.resolve("dc1/audit.jsonl");
    Files.writeString(file, "{\"time\":\"2026-11-25T21:00:09Z\",\"recoveryId\":\"r1\",\"cluster\":\"dc1\",\"ev",
        StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    AuditJournal reopened = journal();
    assertThat(reopened.read()).hasSize(6);
    UnfinishedRecovery u = reopened.unfinished().orElseThrow();
    assertThat(u.dangling()).contains(2);
    assertThat(u.resumePoint()).isInstanceOf(ResumePoint.Abandon.class);

    reopened.recoveryFinished("r1", AuditEvent.FAILED, "abandoned");
    assertThat(reopened.read()).hasSize(7);
    assertThat(((AuditEvent.RecoveryFinished) reopened.read().get(6)).outcome()).isEqualTo(AuditEvent.FAILED);
    assertThat(reopened.unfinished()).isEmpty();
  }

  @Test
  void aJournalTornInsideAMultiByteCharacterIsReadUpToTheTearWithOneWarning() throws Exception {
    AuditJournal j = journal();
    RecoveryPlan p = plan("r1");
    j.recoveryPlanned(p, false);
    runSteps(j, p, 1);
    Path file = dir.resolve("dc1/audit.jsonl");
    byte[] whole = Files.readAllBytes(file);
    // Crash while writing a step's output that holds "é" (0xc3 0xa9): the line ends after 0xc3.
    byte[] torn = "{\"time\":\"2026-11-25T21:00:09Z\",\"stdout\":\"caf".getBytes(StandardCharsets.UTF_8);
    byte[] content = Arrays.copyOf(whole, whole.length + torn.length + 1);
    System.arraycopy(torn, 0, content, whole.length, torn.length);
    content[content.length - 1] = (byte) 0xc3;
    Files.write(file, content);

    try (LogCapture log = LogCapture.of(AuditJournal.class)) {
      assertThat(journal().read()).hasSize(3);
      assertThat(journal().unfinished().orElseThrow().resumePoint()).isEqualTo(new ResumePoint.Continue(1));
      assertThat(log.warnings()).hasSize(2).allSatisfy(w -> assertThat(w).contains("line 4"));
    }
    journal().recoveryFinished("r1", AuditEvent.FAILED, "abandoned");
    assertThat(journal().unfinished()).isEmpty();
  }

  @Test
  void anEmptyJournalHasNoEvents() throws Exception {
    Files.createDirectories(dir.resolve("dc1"));
    Files.write(dir.resolve("dc1/audit.jsonl"), new byte[0]);
    assertThat(journal().read()).isEmpty();
    assertThat(journal().unfinished()).isEmpty();
  }

  @Test
  void aJournalTruncatedAtALineBoundaryResumesAfterTheLastCompletedStep() throws Exception {
    AuditJournal j = journal();
    RecoveryPlan p = plan("r1");
    j.recoveryPlanned(p, false);
    runSteps(j, p, 5);
    j.recoveryFinished("r1", AuditEvent.SUCCEEDED, "ok");
    Path file = dir.resolve("dc1/audit.jsonl");
    List<String> lines = Files.readAllLines(file);
    // Keep the plan and the first two steps, plus the start of the third (a destructive write).
    Files.write(file, lines.subList(0, 1 + 2 * 2 + 1));
    assertThat(journal().unfinished().orElseThrow().resumePoint()).isInstanceOf(ResumePoint.Abandon.class);
    // Keep the plan and three whole steps: the next step to run is the fourth.
    Files.write(file, lines.subList(0, 1 + 3 * 2));
    assertThat(journal().unfinished().orElseThrow().resumePoint()).isEqualTo(new ResumePoint.Continue(3));
  }

  @Test
  void aLaterPlanSupersedesAnEarlierFinishedOne() {
    AuditJournal j = journal();
    j.recoveryPlanned(plan("r1"), false);
    j.recoveryFinished("r1", AuditEvent.SUCCEEDED, "ok");
    j.recoveryPlanned(plan("r2"), false);
    assertThat(j.unfinished().orElseThrow().plan().id()).isEqualTo("r2");
    j.acknowledged("r2", "operator");
    assertThat(j.read().get(3).event()).isEqualTo(AuditEvent.ACKNOWLEDGED);
  }

  @Test
  void adoptingSharedProgressAppendsOnlyTheEventsThisJournalLacks() {
    AuditJournal theirs = new AuditJournal(dir.resolve("theirs"), "dc1", clock);
    AuditJournal mine = journal();
    RecoveryPlan p = plan("r9");
    theirs.recoveryPlanned(p, false);
    mine.recoveryPlanned(p, false);
    theirs.stepStarted(p.id(), 0, p.steps().get(0));
    List<AuditEvent> shared = theirs.read();

    mine.adopt(shared);
    mine.adopt(shared);

    assertThat(mine.read()).isEqualTo(shared);
    assertThat(mine.unfinished().orElseThrow().dangling()).contains(0);
  }
}

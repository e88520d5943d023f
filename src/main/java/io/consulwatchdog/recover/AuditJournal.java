package io.consulwatchdog.recover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit journal of one cluster, {@code <stateDir>/<cluster>/audit.jsonl}: one JSON object
 * per line, each forced to disk before the call returns, so a step's start is on disk before it runs.
 */
public final class AuditJournal {
  /** Longest stdout or stderr kept per step. */
  public static final int MAX_OUTPUT = 4000;
  private static final Logger log = LoggerFactory.getLogger(AuditJournal.class);
  private static final ObjectMapper JSON = JsonMapper.compact();

  private final Path file;
  private final String cluster;
  private final Clock clock;
  private final ActorLease lease;
  /** The events of the recovery under way, shared through the coordination store after each one. */
  private List<AuditEvent> progress = new ArrayList<>();

  /** The journal of one cluster under the state directory, of a watchdog that acts alone. */
  public AuditJournal(Path stateDir, String cluster, Clock clock) {
    this(stateDir, cluster, clock, ActorLease.alone());
  }

  /** The journal of one cluster whose recovery events are also shared through the lease's coordination store. */
  public AuditJournal(Path stateDir, String cluster, Clock clock, ActorLease lease) {
    this.file = stateDir.resolve(cluster).resolve("audit.jsonl");
    this.cluster = cluster;
    this.clock = clock;
    this.lease = lease;
  }

  /** The journal file. */
  public Path file() {
    return file;
  }

  /** Records a whole plan, before any of it runs (or instead of running it, when the mode only plans). */
  public void recoveryPlanned(RecoveryPlan plan, boolean dryRun) {
    AuditEvent.RecoveryPlanned planned = new AuditEvent.RecoveryPlanned(clock.instant(), plan.id(), cluster, plan,
        dryRun);
    append(planned);
    if (!dryRun) {
      synchronized (this) {
        progress = new ArrayList<>();
      }
      shareAfter(planned);
    }
  }

  /** Records that a step is about to run, without a fencing token; returns only once the line is on disk. */
  public void stepStarted(String recoveryId, int index, Step step) {
    stepStarted(recoveryId, index, step, OptionalLong.empty());
  }

  /**
   * Records that a step is about to run under a fencing token; returns only once the line is on disk. The start
   * of a destructive step is shared through the coordination store first, on the condition that this watchdog
   * still holds the lock: when it does not, {@link ActorLease.LeaseLostException} is thrown and nothing is
   * written here, so the step must not run.
   */
  public void stepStarted(String recoveryId, int index, Step step, OptionalLong token) {
    AuditEvent.StepStarted started = new AuditEvent.StepStarted(clock.instant(), recoveryId, cluster, index,
        step.describe(), step.destructive(), token.isPresent() ? token.getAsLong() : null);
    if (step.destructive()) {
      shareBefore(started, token);
      append(started);
    } else {
      append(started);
      shareAfter(started);
    }
  }

  /** Records how a step ended. */
  public void stepFinished(String recoveryId, int index, Step step, ExecutionResult result) {
    AuditEvent.StepFinished finished = new AuditEvent.StepFinished(clock.instant(), recoveryId, cluster, index,
        step.describe(), result.success(), result.exitCode(), truncate(result.stdout()), truncate(result.stderr()),
        result.took().toMillis(), result.error().isEmpty() ? null : result.error());
    append(finished);
    shareAfter(finished.withoutOutput());
  }

  /** Records that the undo of a step is about to run; returns only once the line is on disk. */
  public void undoStarted(String recoveryId, int index, Step undo) {
    AuditEvent event = new AuditEvent.UndoStarted(clock.instant(), recoveryId, cluster, index, undo.describe());
    append(event);
    shareAfter(event);
  }

  /** Records how the undo of a step ended. */
  public void undoFinished(String recoveryId, int index, Step undo, ExecutionResult result) {
    AuditEvent event = new AuditEvent.UndoFinished(clock.instant(), recoveryId, cluster, index, undo.describe(),
        result.success(), result.error().isEmpty() ? null : result.error());
    append(event);
    shareAfter(event);
  }

  /** Records the end of a recovery: SUCCEEDED, FAILED or DRY_RUN, with a reason. */
  public void recoveryFinished(String recoveryId, String outcome, String reason) {
    AuditEvent event = new AuditEvent.RecoveryFinished(clock.instant(), recoveryId, cluster, outcome, reason);
    append(event);
    if (!AuditEvent.DRY_RUN.equals(outcome)) {
      shareAfter(event);
    }
  }

  /** Shares the progress with the event added, before it is written here; throws when the lock is not held. */
  private synchronized void shareBefore(AuditEvent event, OptionalLong token) {
    List<AuditEvent> next = new ArrayList<>(progress);
    next.removeIf(e -> !e.recoveryId().equals(event.recoveryId()));
    next.add(event);
    lease.share(List.copyOf(next), token);
    progress = next;
  }

  /** Shares the progress with the event added, after it was written here; a store that fails is only logged. */
  private synchronized void shareAfter(AuditEvent event) {
    boolean ofSharedRecovery = event instanceof AuditEvent.RecoveryPlanned
        || (!progress.isEmpty() && progress.get(0).recoveryId().equals(event.recoveryId()));
    if (lease.solo() || !ofSharedRecovery) {
      return; // nothing is shared, or not a recovery the store knows (one this watchdog ends without running)
    }
    progress.add(event);
    try {
      lease.share(List.copyOf(progress), OptionalLong.empty());
    } catch (RuntimeException e) {
      log.warn("recovery {}: its progress could not be shared through the coordination store ({}); the next "
          + "destructive step will not run without it", event.recoveryId(), e.getMessage());
    }
  }

  /** Records an operator's acknowledgement of an escalation. */
  public void acknowledged(String recoveryId, String reason) {
    append(new AuditEvent.Acknowledged(clock.instant(), recoveryId, cluster, reason));
  }

  /** Records that an operator declared a voter gone for good. */
  public void voterRetired(String nodeId, String node, String reason) {
    append(new AuditEvent.VoterRetired(clock.instant(), "", cluster, nodeId, node, reason));
  }

  /**
   * Every readable event, oldest first; a torn line (crash while writing, even inside a multi-byte character)
   * is skipped with a warning naming it.
   */
  public List<AuditEvent> read() {
    List<String> lines;
    try {
      // decoded leniently: a byte sequence cut short becomes U+FFFD and its line fails to parse, alone
      lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        events.add(JSON.readValue(line, AuditEvent.class));
      } catch (JsonProcessingException e) {
        log.warn("{}: line {} is not a journal event, skipped ({})", file, i + 1, e.getOriginalMessage());
      }
    }
    return events;
  }

  /** The events of one kind, oldest first. */
  public <T extends AuditEvent> List<T> read(Class<T> kind) {
    return read().stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The last recovery planned for real whose end is not recorded, with the steps that are. */
  public Optional<UnfinishedRecovery> unfinished() {
    return UnfinishedRecovery.of(read());
  }

  /**
   * Takes over a recovery another holder shared through the coordination store: its events that this journal
   * does not hold yet are appended (as they were written), and they become the progress shared from now on.
   */
  public synchronized void adopt(List<AuditEvent> shared) {
    if (shared.isEmpty()) {
      return;
    }
    String id = shared.get(0).recoveryId();
    long here = read().stream().filter(e -> id.equals(e.recoveryId())).count();
    shared.stream().skip(here).forEach(this::append);
    progress = new ArrayList<>(shared);
  }

  private synchronized void append(AuditEvent event) {
    try {
      Files.createDirectories(file.getParent());
      byte[] line = (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
      boolean torn = endsTorn(file);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer buf = ByteBuffer.wrap(torn ? prefixNewline(line) : line);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to audit journal " + file, e);
    }
  }

  /** True when the file's last byte is not a newline (a write was cut short by a crash). */
  private static boolean endsTorn(Path file) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last, size - 1);
      return last.get(0) != '\n';
    }
  }

  private static byte[] prefixNewline(byte[] line) {
    byte[] out = new byte[line.length + 1];
    out[0] = '\n';
    System.arraycopy(line, 0, out, 1, line.length);
    return out;
  }

  private static String truncate(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    return s.length() <= MAX_OUTPUT ? s : s.substring(0, MAX_OUTPUT) + "...[" + (s.length() - MAX_OUTPUT)
        + " more chars]";
  }
}

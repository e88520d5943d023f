package io.consulwatchdog.execute;

import io.consulwatchdog.config.SshExecutorConfig;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.EditFile;
import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Controls an agent on another host over SSH: the configured argv lists run as one shell-quoted
 * command line each; file operations run as the fixed commands of {@link RemoteFileCommands}, as the
 * configured file owner; CheckReady runs the one check line of {@link RemoteReadiness}.
 *
 * <p>Every command line is prefixed with {@link ProcessGroupMarker#PRINT} so that the remote process
 * group is known; on timeout that group gets SIGTERM, then SIGKILL, then the channel is closed.
 * Connection failures are results, not exceptions.
 */
public final class SshExecutor implements AgentExecutor {
  private static final Duration SIGNAL_GRACE = Duration.ofSeconds(2);

  private final SshExecutorConfig config;
  private final SshClientPool pool;
  private final RemoteFileCommands files;

  /** Creates an executor that opens its sessions through the shared pool. */
  public SshExecutor(SshExecutorConfig config, SshClientPool pool) {
    this(config, pool, LocalFiles::newToken);
  }

  /** As above, with the tokens of temporary file names from the supplier (tests plant links there). */
  SshExecutor(SshExecutorConfig config, SshClientPool pool, Supplier<String> temporaryNameTokens) {
    this.config = config;
    this.pool = pool;
    this.files = new RemoteFileCommands(config.fileCommandPrefix(), config.fileOwner(), temporaryNameTokens);
  }

  @Override
  public ExecutionResult run(AgentOperation operation, Duration timeout) {
    return new OperationVisitor<ExecutionResult>() {
      @Override
      public ExecutionResult stop() {
        return argv(config.stop(), timeout);
      }

      @Override
      public ExecutionResult start() {
        return argv(config.start(), timeout);
      }

      @Override
      public ExecutionResult restart() {
        return config.restart().isEmpty()
            ? StopThenStart.run(t -> argv(config.stop(), t), t -> argv(config.start(), t), timeout)
            : argv(config.restart(), timeout);
      }

      @Override
      public ExecutionResult backup(BackupDirectory op) {
        return line(() -> files.backup(op.source(), op.target()).line(), null, timeout);
      }

      @Override
      public ExecutionResult write(WriteFile op) {
        return line(() -> files.write(op.path(), op.mode()).line(), op.content(), timeout);
      }

      @Override
      public ExecutionResult remove(RemoveFile op) {
        return line(() -> files.remove(op.path()).line(), null, timeout);
      }

      @Override
      public ExecutionResult move(MoveDirectory op) {
        return line(() -> files.move(op.source(), op.target()).line(), null, timeout);
      }

      @Override
      public ExecutionResult checkReady(CheckReady op) {
        ExecutionResult r = exec(new RemoteReadiness(config, files).line(op.operations()), null, timeout);
        if (r.exitCode() == -1) {
          return new ExecutionResult(false, -1, r.stdout(), r.stderr(), r.took(), "check-ready: " + r.error());
        }
        return Readiness.fromLines(r.stdout(), r.stderr(), r.took(), r.exitCode());
      }

      @Override
      public ExecutionResult read(ReadFile op) {
        ExecutionResult r = line(() -> files.read(op.path()).line(), null, timeout);
        return r.success() && r.stdout().startsWith("[... ")
            ? ExecutionResult.failed("read-file " + op.path() + ": larger than " + OutputTail.LIMIT + " bytes",
                r.took())
            : r;
      }

      @Override
      public ExecutionResult edit(EditFile op) {
        return FileEdits.run(this, op);
      }
    }.visit(operation);
  }

  @Override
  public String describe(AgentOperation operation) {
    String target = "ssh " + config.user() + "@" + config.host() + ":" + config.port() + ": ";
    RemoteFileCommands described = new RemoteFileCommands(config.fileCommandPrefix(), config.fileOwner(),
        () -> "<random>");
    return target + new OperationVisitor<String>() {
      @Override
      public String stop() {
        return LocalProcessExecutor.argv(config.stop());
      }

      @Override
      public String start() {
        return LocalProcessExecutor.argv(config.start());
      }

      @Override
      public String restart() {
        return config.restart().isEmpty()
            ? LocalProcessExecutor.argv(config.stop()) + ", then " + LocalProcessExecutor.argv(config.start())
            : LocalProcessExecutor.argv(config.restart());
      }

      @Override
      public String backup(BackupDirectory op) {
        return safely(() -> files.backup(op.source(), op.target()).line());
      }

      @Override
      public String write(WriteFile op) {
        return safely(() -> described.write(op.path(), op.mode()).line()) + " (stdin: " + op.content().length
            + " bytes)";
      }

      @Override
      public String read(ReadFile op) {
        return safely(() -> files.read(op.path()).line());
      }

      @Override
      public String remove(RemoveFile op) {
        return safely(() -> files.remove(op.path()).line());
      }

      @Override
      public String move(MoveDirectory op) {
        return safely(() -> files.move(op.source(), op.target()).line());
      }

      @Override
      public String checkReady(CheckReady op) {
        return RemoteReadiness.describe(config, op);
      }

      @Override
      public String edit(EditFile op) {
        return FileEdits.describe(this, op);
      }
    }.visit(operation);
  }

  private static String safely(Supplier<String> line) {
    try {
      return line.get();
    } catch (IllegalArgumentException e) {
      return "(refused: " + e.getMessage() + ")";
    }
  }

  private ExecutionResult argv(List<String> argv, Duration timeout) {
    if (argv.isEmpty()) {
      return ExecutionResult.failed("no command configured (empty argv)", Duration.ZERO);
    }
    return exec(ShellQuoting.quote(argv), null, timeout);
  }

  private ExecutionResult line(Supplier<String> line, byte[] stdin, Duration timeout) {
    String command;
    try {
      command = line.get();
    } catch (IllegalArgumentException e) {
      return ExecutionResult.failed(e.getMessage(), Duration.ZERO);
    }
    return exec(command, stdin, timeout);
  }

  /** Runs one command line; retries once on a fresh session when a reused one turns out dead. */
  private ExecutionResult exec(String command, byte[] stdin, Duration timeout) {
    long started = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      ClientSession session;
      try {
        session = pool.session(config);
      } catch (SshClientPool.SshFailure e) {
        return ExecutionResult.failed(e.getMessage(), Timing.since(started));
      }
      ChannelExec channel;
      try {
        channel = session.createExecChannel(ProcessGroupMarker.PRINT + command);
      } catch (IOException | RuntimeException e) {
        pool.discard(config, session);
        if (attempt == 1) {
          continue;
        }
        return ExecutionResult.failed(where() + ": cannot open a channel: " + SshClientPool.cause(e),
            Timing.since(started));
      }
      // runChannel measures what is left of the timeout from `started` itself
      ExecutionResult r = runChannel(session, channel, stdin, timeout, started);
      if (r == null && attempt == 1) {
        continue; // the channel could not be opened on a reused session: reconnect once
      }
      return r != null ? r : ExecutionResult.failed(where() + ": channel could not be opened", Timing.since(started));
    }
  }

  private ExecutionResult runChannel(ClientSession session, ChannelExec channel, byte[] stdin, Duration timeout,
      long started) {
    OutputTail out = new OutputTail();
    OutputTail err = new OutputTail();
    ProcessGroupMarker marker = new ProcessGroupMarker(err);
    channel.setIn(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin));
    channel.setOut(out);
    channel.setErr(marker);
    try {
      try {
        Duration forOpen = timeout.minus(Timing.since(started));
        channel.open().verify(forOpen.isNegative() || forOpen.isZero() ? Duration.ofMillis(1) : forOpen);
      } catch (IOException | RuntimeException e) {
        pool.discard(config, session);
        return null;
      }
      Duration left = timeout.minus(Timing.since(started));
      Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED),
          left.isNegative() ? Duration.ZERO : left);
      if (!events.contains(ClientChannelEvent.CLOSED)) {
        kill(session, channel, marker);
        return new ExecutionResult(false, -1, out.text(), err.text(), Timing.since(started),
            where() + ": timed out after " + Timing.human(timeout) + "; remote process group sent SIGTERM, then"
                + " SIGKILL, and the channel closed");
      }
      Integer status = channel.getExitStatus();
      String signal = channel.getExitSignal();
      Duration took = Timing.since(started);
      if (status != null && status == 0) {
        return new ExecutionResult(true, 0, out.text(), err.text(), took, "");
      }
      String why = err.lastLine().isEmpty() ? out.lastLine() : err.lastLine();
      String how = status != null ? "exited with status " + status
          : signal != null ? "was killed by signal " + signal
          : "ended without an exit status (connection lost?)";
      if (status == null && signal == null && !session.isOpen()) {
        pool.discard(config, session);
      }
      return new ExecutionResult(false, status == null ? -1 : status, out.text(), err.text(), took,
          where() + ": remote command " + how + (why.isEmpty() ? "" : ": " + why));
    } finally {
      channel.close(true);
    }
  }

  /**
   * Kills the remote command: SIGTERM then SIGKILL, each both as an SSH "signal" request (OpenSSH 8.1+,
   * not for root logins) and as {@code kill -SIG -- -PGID} on a second channel (works everywhere),
   * then closes the channel. Processes that left the group on purpose (setsid daemons) survive.
   */
  private void kill(ClientSession session, ChannelExec channel, ProcessGroupMarker marker) {
    for (String signal : List.of("TERM", "KILL")) {
      signalRequest(channel, signal);
      marker.pgid().ifPresent(pgid -> killGroup(session, signal, pgid));
      if (channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), SIGNAL_GRACE).contains(ClientChannelEvent.CLOSED)) {
        break;
      }
    }
    channel.close(true);
  }

  private static void signalRequest(ChannelExec channel, String signal) {
    try {
      Buffer buffer = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, signal.length() + 32);
      buffer.putUInt(channel.getRecipient());
      buffer.putString("signal");
      buffer.putBoolean(false);
      buffer.putString(signal);
      channel.getSession().writePacket(buffer);
    } catch (IOException | RuntimeException e) {
      // the kill command below still runs
    }
  }

  private static void killGroup(ClientSession session, String signal, long pgid) {
    try (ChannelExec killer = session.createExecChannel("kill -" + signal + " -- -" + pgid)) {
      killer.setIn(new ByteArrayInputStream(new byte[0]));
      killer.setOut(new OutputTail());
      killer.setErr(new OutputTail());
      killer.open().verify(SIGNAL_GRACE);
      killer.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), SIGNAL_GRACE);
    } catch (IOException | RuntimeException e) {
      // best effort: the channel is closed anyway
    }
  }

  private String where() {
    return "ssh " + config.user() + "@" + config.host() + ":" + config.port();
  }
}

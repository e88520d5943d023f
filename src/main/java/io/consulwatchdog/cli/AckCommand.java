package io.consulwatchdog.cli;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import io.consulwatchdog.recover.AuditJournal;
import io.consulwatchdog.recover.RecoveryStatusStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `consul-watchdog ack`: an operator acknowledges an escalated cluster so automatic recovery may resume. */
@Command(name = "ack", mixinStandardHelpOptions = true,
    header = "Acknowledge an ESCALATED cluster so that automatic recovery may act again.",
    description = {
      "Acknowledge an ESCALATED cluster: clear the escalation in its state.json and record the acknowledgement in its audit journal. A running daemon picks it up at its next poll."
    },
    footer = {"", "Exit codes: 0 acknowledged or nothing to acknowledge, 64 usage, 78 config.",
        "", "Example:", "  consul-watchdog ack --config /etc/consul-watchdog/config.yml dc1 --note 'disk replaced'"})
public final class AckCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster to acknowledge.")
  String cluster;

  @Option(names = "--note", paramLabel = "TEXT", description = "What was checked or fixed; kept in the journal.")
  String note;

  private final Clock clock;

  /** The command as registered, on the system clock. */
  public AckCommand() {
    this(Clock.systemUTC());
  }

  /** A command on an injected clock. */
  AckCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    WatchdogConfig config = configOptions.load(spec, false);
    ClusterConfig target = Selection.clusters(spec, config, List.of(cluster)).get(0);
    PrintWriter out = spec.commandLine().getOut();
    RecoveryStatusStore store = new RecoveryStatusStore(config.stateDir());
    RecoveryStatus state = store.loadOrInitial(target.name(), clock.instant());
    if (state.state() != RecoveryState.ESCALATED) {
      out.printf("cluster %s is %s, not ESCALATED: nothing to acknowledge%n", target.name(), state.state());
      out.flush();
      return 0;
    }
    RecoveryStatus acked = state.acknowledged(clock.instant());
    String who = System.getProperty("user.name", "unknown");
    String reason = "escalation acknowledged by " + who + (note == null || note.isBlank() ? "" : ": " + note);
    new AuditJournal(config.stateDir(), target.name(), clock).acknowledged(state.recoveryId().orElse(""), reason);
    store.save(acked);
    out.printf("cluster %s: ESCALATED -> IDLE (%s); %d recent failures cleared; automatic recovery may resume%n",
        target.name(), reason, state.recentFailures().size());
    out.flush();
    return 0;
  }
}

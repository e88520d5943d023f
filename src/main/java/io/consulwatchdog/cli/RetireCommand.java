package io.consulwatchdog.cli;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.observe.KnownServer;
import io.consulwatchdog.observe.KnownTopology;
import io.consulwatchdog.observe.RetirementStore;
import io.consulwatchdog.observe.TopologyStore;
import io.consulwatchdog.recover.AuditJournal;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `consul-watchdog retire`: an operator declares voters gone for good, so an outage recovery may leave them out. */
@Command(name = "retire", mixinStandardHelpOptions = true,
    header = "Declare raft voters gone for good, so that an outage recovery may leave them out.",
    description = {
      "Declare raft voters gone for good (their hosts and data destroyed, never to come back). The watchdog "
          + "leaves a voter out of peers.json only on positive evidence that its data cannot return: its "
          + "configured server answers with another node ID, it was removed from the inventory (the "
          + "last-known-good topology knows its node ID under a name no longer configured), or an operator "
          + "retired it with this command. A retired voter that comes back with its data brings back the old "
          + "raft configuration: retire only what is destroyed.",
      "",
      "NODE is a node ID (as `consul operator raft list-peers` shows it) or a name from the last-known-good "
          + "topology. Recorded in <state_dir>/<cluster>/retired.json and the audit journal."
    },
    footer = {"", "Exit codes: 0 retired, 64 usage (unknown name, a name that is still configured), 66/78 config.",
        "", "Example:", "  consul-watchdog retire --config /etc/consul-watchdog/config.yml dc1 \\",
        "      2f1c0d2a-6a8e-4f7e-9b1e-3c4d5e6f7a8b --note 'host s2 destroyed, disk wiped'"})
public final class RetireCommand implements Callable<Integer> {
  private static final Pattern NODE_ID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster the voters belonged to.")
  String cluster;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "NODE", description = "Node IDs, or names from the "
      + "last-known-good topology.")
  List<String> nodes = new ArrayList<>();

  @Option(names = "--note", paramLabel = "TEXT", description = "Why they are gone; kept in the journal.")
  String note;

  private final Clock clock;

  /** The command as registered, on the system clock. */
  public RetireCommand() {
    this(Clock.systemUTC());
  }

  /** A command on an injected clock. */
  RetireCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    WatchdogConfig config = configOptions.load(spec, false);
    ClusterConfig target = Selection.clusters(spec, config, List.of(cluster)).get(0);
    Optional<KnownTopology> topology = new TopologyStore(config.stateDir()).load(target.name());
    List<KnownServer> resolved = new ArrayList<>();
    for (String node : nodes) {
      resolved.add(resolve(node, target, topology));
    }
    RetirementStore store = new RetirementStore(config.stateDir());
    AuditJournal journal = new AuditJournal(config.stateDir(), target.name(), clock);
    String who = System.getProperty("user.name", "unknown");
    PrintWriter out = spec.commandLine().getOut();
    for (KnownServer k : resolved) {
      String reason = "retired by " + who + (note == null || note.isBlank() ? "" : ": " + note);
      store.add(target.name(), new RetirementStore.Retirement(k.nodeId(), k.name(), who, clock.instant(),
          note == null ? "" : note));
      journal.voterRetired(k.nodeId(), k.name(), reason);
      out.printf("cluster %s: voter %s%s retired (%s); an outage recovery may now leave it out of peers.json%n",
          target.name(), k.nodeId(), k.name().isEmpty() ? "" : " (" + k.name() + ")", reason);
    }
    out.printf("recorded in %s%n", store.file(target.name()));
    out.flush();
    return 0;
  }

  /** A node ID as given, or the node ID the topology knows under a name that is no longer configured. */
  private KnownServer resolve(String node, ClusterConfig target, Optional<KnownTopology> topology) {
    if (NODE_ID.matcher(node).matches()) {
      return topology.flatMap(t -> t.byNodeId(node))
          .orElse(new KnownServer("", node.toLowerCase(), "", "", true));
    }
    if (target.servers().stream().anyMatch(s -> s.name().equals(node))) {
      throw new CommandLine.ParameterException(spec.commandLine(), "\"" + node + "\" is a configured server of "
          + target.name() + ": a configured server is not gone; give the node ID of the voter that is");
    }
    return topology.flatMap(t -> t.byName(node)).orElseThrow(() -> new CommandLine.ParameterException(
        spec.commandLine(), "\"" + node + "\" is neither a node ID nor a name in the last-known-good topology of "
            + target.name() + topology.map(t -> " (it knows: " + String.join(", ",
                t.servers().stream().map(KnownServer::name).toList()) + ")").orElse(" (none recorded)")));
  }
}

package io.consulwatchdog.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One step of a recovery plan, as data: what to do, to which server, within which timeout. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Step.StopAgent.class, name = "stop-agent"),
    @JsonSubTypes.Type(value = Step.StartAgent.class, name = "start-agent"),
    @JsonSubTypes.Type(value = Step.RestartAgent.class, name = "restart-agent"),
    @JsonSubTypes.Type(value = Step.BackupRaftDir.class, name = "backup-raft-dir"),
    @JsonSubTypes.Type(value = Step.WritePeersJson.class, name = "write-peers-json"),
    @JsonSubTypes.Type(value = Step.SetBootstrapExpect.class, name = "set-bootstrap-expect"),
    @JsonSubTypes.Type(value = Step.WaitForServerUp.class, name = "wait-for-server-up"),
    @JsonSubTypes.Type(value = Step.WaitForLeader.class, name = "wait-for-leader"),
    @JsonSubTypes.Type(value = Step.WaitForVoters.class, name = "wait-for-voters"),
    @JsonSubTypes.Type(value = Step.VerifyDataReadable.class, name = "verify-data-readable"),
    @JsonSubTypes.Type(value = Step.RestartClient.class, name = "restart-client"),
    @JsonSubTypes.Type(value = Step.RemoveFile.class, name = "remove-file"),
    @JsonSubTypes.Type(value = Step.StopAgents.class, name = "stop-agents"),
    @JsonSubTypes.Type(value = Step.StartAgents.class, name = "start-agents"),
    @JsonSubTypes.Type(value = Step.MoveDirectory.class, name = "move-directory"),
    @JsonSubTypes.Type(value = Step.VerifyWritable.class, name = "verify-writable"),
    @JsonSubTypes.Type(value = Step.Preflight.class, name = "preflight")
})
public sealed interface Step {

  /** The "bootstrap_expect": N setting of a JSON agent config file; group 1 is everything before N. */
  String BOOTSTRAP_EXPECT_SETTING = "(\"bootstrap_expect\"\\s*:\\s*)\\d+";

  /** How long the step may take before it counts as failed. */
  Duration timeout();

  /** True when running the step twice, or running it half-way, can do harm: such steps are never repeated. */
  @JsonIgnore
  boolean destructive();

  /** One line saying what the step does, for logs, dry runs and the audit journal. */
  @JsonIgnore
  String describe();

  /**
   * The step that puts back what this one changed, for destructive steps: run in reverse order when a
   * later step fails or the recovery is interrupted (stop -> start, write peers.json -> remove it). Every
   * undo is safe to repeat.
   */
  @JsonIgnore
  default Optional<Step> undo() {
    return Optional.empty();
  }

  /** The step's kind, as in metrics and the journal (e.g. "stop-agent"). */
  @JsonIgnore
  default String kind() {
    return getClass().getAnnotation(Kind.class).value();
  }

  /** The step kind's name, shared by JSON and metrics. */
  @Retention(RetentionPolicy.RUNTIME)
  @interface Kind {
    String value();
  }

  /** A step carried out by one agent's executor. */
  sealed interface AgentStep extends Step {
    /** The configured name of the server or client the step acts on. */
    String server();

    /**
     * The one operation the agent's executor carries out for this step: the single mapping from step to
     * action, used both to run the step and to describe it in a dry run.
     */
    @JsonIgnore
    AgentOperation operation();
  }

  /**
   * A step carried out on several agents at once: each part runs through its agent's executor, all
   * together; the step succeeds when every part does.
   */
  sealed interface MultiAgentStep extends Step {
    /** One agent step per agent, in the order they are described. */
    @JsonIgnore
    List<AgentStep> parts();
  }

  /** File mode of peers.json and edited agent config files. */
  String FILE_MODE = "0644";

  /** Stops a server agent without a graceful leave (a leave would shrink the peer set). */
  @Kind("stop-agent")
  record StopAgent(String server, Duration timeout) implements AgentStep {
    @Override
    public AgentOperation operation() {
      return new AgentOperation.Stop();
    }

    @Override
    public Optional<Step> undo() {
      return Optional.of(new StartAgent(server, timeout));
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public String describe() {
      return "stop agent " + server + " (no graceful leave)";
    }
  }

  /** Starts a server agent; starting one that runs already is harmless. */
  @Kind("start-agent")
  record StartAgent(String server, Duration timeout) implements AgentStep {
    @Override
    public AgentOperation operation() {
      return new AgentOperation.Start();
    }

    @Override
    public boolean destructive() {
      return false;
    }

    @Override
    public String describe() {
      return "start agent " + server;
    }
  }

  /** Restarts a server agent. */
  @Kind("restart-agent")
  record RestartAgent(String server, Duration timeout) implements AgentStep {
    @Override
    public AgentOperation operation() {
      return new AgentOperation.Restart();
    }

    @Override
    public Optional<Step> undo() {
      return Optional.of(new StartAgent(server, timeout));
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public String describe() {
      return "restart agent " + server;
    }
  }

  /** Copies a server's raft directory to a new backup directory before it is touched. */
  @Kind("backup-raft-dir")
  record BackupRaftDir(String server, String source, String target, Duration timeout) implements AgentStep {
    @Override
    public AgentOperation operation() {
      return new AgentOperation.BackupDirectory(source, target);
    }

    @Override
    public boolean destructive() {
      return false;
    }

    @Override
    public String describe() {
      return "back up " + source + " on " + server + " to " + target;
    }
  }

  /** Writes raft/peers.json on a stopped server that holds raft state (outage recovery). */
  @Kind("write-peers-json")
  record WritePeersJson(String server, String path, String content, Duration timeout) implements AgentStep {
    @Override
    public AgentOperation operation() {
      return new AgentOperation.WriteFile(path, content.getBytes(StandardCharsets.UTF_8), FILE_MODE);
    }

    @Override
    public Optional<Step> undo() {
      return Optional.of(new RemoveFile(server, path, timeout));
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public String describe() {
      return "write " + path + " on " + server + ": " + content.replaceAll("\\s+", "");
    }
  }

  /**
   * Sets bootstrap_expect in a stopped agent's JSON config file (the seed's procedure, Consul before 0.7 only).
   *
   * @param configFile the agent config file holding "bootstrap_expect"
   * @param value the new value
   * @param restoreTo the value an undo writes back
   */
  @Kind("set-bootstrap-expect")
  record SetBootstrapExpect(String server, String configFile, int value, int restoreTo, Duration timeout)
      implements AgentStep {
    @Override
    public AgentOperation operation() {
      return new AgentOperation.EditFile(configFile, BOOTSTRAP_EXPECT_SETTING, "$1" + value, FILE_MODE);
    }

    @Override
    public Optional<Step> undo() {
      return restoreTo == value ? Optional.empty()
          : Optional.of(new SetBootstrapExpect(server, configFile, restoreTo, restoreTo, timeout));
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public String describe() {
      return "set bootstrap_expect=" + value + " in " + configFile + " on " + server;
    }
  }

  /** Waits until a server answers its HTTP API again as a server with a raft state. */
  @Kind("wait-for-server-up")
  record WaitForServerUp(String server, Duration timeout) implements Step {
    @Override
    public boolean destructive() {
      return false;
    }

    @Override
    public String describe() {
      return "wait up to " + timeout.toSeconds() + "s for " + server + " to answer as a server";
    }
  }

  /** Waits until a reachable server is leader and every reachable server that sees a leader names it. */
  @Kind("wait-for-leader")
  record WaitForLeader(Duration timeout) implements Step {
    @Override
    public boolean destructive() {
      return false;
    }

    @Override
    public String describe() {
      return "wait up to " + timeout.toSeconds() + "s for a leader that the reachable servers agree on";
    }
  }

  /** Waits until the leader's raft configuration lists at least this many live voters. */
  @Kind("wait-for-voters")
  record WaitForVoters(int voters, Duration timeout) implements Step {
    @Override
    public boolean destructive() {
      return false;
    }

    @Override
    public String describe() {
      return "wait up to " + timeout.toSeconds() + "s for " + voters + " live voters under the leader";
    }
  }

  /** Checks that a consistent read, which needs the leader, succeeds. */
  @Kind("verify-data-readable")
  record VerifyDataReadable(Duration timeout) implements Step {
    @Override
    public boolean destructive() {
      return false;
    }

    @Override
    public String describe() {
      return "verify within " + timeout.toSeconds() + "s that a consistent read through the leader succeeds";
    }
  }

  /** Restarts a client agent so it rejoins the healed servers (the seed's last step). */
  @Kind("restart-client")
  record RestartClient(String client, Duration timeout) implements AgentStep {
    @Override
    @JsonIgnore
    public String server() {
      return client;
    }

    @Override
    public AgentOperation operation() {
      return new AgentOperation.Restart();
    }

    @Override
    public Optional<Step> undo() {
      return Optional.of(new StartAgent(client, timeout));
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public String describe() {
      return "restart client agent " + client;
    }
  }

  /** Removes a file the recovery wrote (the undo of writing peers.json); an absent file counts as removed. */
  @Kind("remove-file")
  record RemoveFile(String server, String path, Duration timeout) implements AgentStep {
    @Override
    public AgentOperation operation() {
      return new AgentOperation.RemoveFile(path);
    }

    @Override
    public boolean destructive() {
      return false;
    }

    @Override
    public String describe() {
      return "remove " + path + " on " + server;
    }
  }

  /**
   * Proves, changing nothing, that the agent's executor can carry out what the plan (and its undo) will ask
   * of it; runs before the first destructive step.
   *
   * @param operations the operations the plan and its undo ask of this agent
   */
  @Kind("preflight")
  record Preflight(String server, List<AgentOperation> operations, Duration timeout) implements AgentStep {
    public Preflight {
      operations = List.copyOf(operations);
    }

    @Override
    public AgentOperation operation() {
      return new AgentOperation.CheckReady(operations);
    }

    @Override
    public boolean destructive() {
      return false;
    }

    @Override
    public String describe() {
      return "check that " + server + " can " + String.join(", ", operations.stream().map(AgentOperation::name)
          .distinct().toList()) + " (reachable, authorized, paths present, room for backups); changes nothing";
    }
  }

  /**
   * Stops several server agents at once, without a graceful leave: they are all going down anyway, and none
   * of them is a leader (there is none), so stopping them together is as safe as one after another.
   */
  @Kind("stop-agents")
  record StopAgents(List<String> servers, Duration timeout) implements MultiAgentStep {
    public StopAgents {
      servers = List.copyOf(servers);
    }

    @Override
    public List<AgentStep> parts() {
      return servers.stream().<AgentStep>map(s -> new StopAgent(s, timeout)).toList();
    }

    @Override
    public Optional<Step> undo() {
      return Optional.of(new StartAgents(servers, timeout));
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public String describe() {
      return "stop agents " + String.join(", ", servers) + " together (no graceful leave)";
    }
  }

  /** Starts several agents at once; starting one that runs already is harmless. */
  @Kind("start-agents")
  record StartAgents(List<String> servers, Duration timeout) implements MultiAgentStep {
    public StartAgents {
      servers = List.copyOf(servers);
    }

    @Override
    public List<AgentStep> parts() {
      return servers.stream().<AgentStep>map(s -> new StartAgent(s, timeout)).toList();
    }

    @Override
    public boolean destructive() {
      return false;
    }

    @Override
    public String describe() {
      return "start agents " + String.join(", ", servers) + " together";
    }
  }

  /**
   * Renames a directory on a stopped server (moves a less up-to-date server's raft state aside so that it
   * starts empty and takes the recovered leader's log); moving it back is the undo.
   */
  @Kind("move-directory")
  record MoveDirectory(String server, String source, String target, Duration timeout) implements AgentStep {
    @Override
    public AgentOperation operation() {
      return new AgentOperation.MoveDirectory(source, target);
    }

    @Override
    public Optional<Step> undo() {
      return Optional.of(new MoveDirectory(server, target, source, timeout));
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public String describe() {
      return "move " + source + " on " + server + " aside to " + target;
    }
  }

  /**
   * Proves the cluster serves consistent writes again: writes a key under the watchdog's own prefix through
   * the servers, reads it back with ?consistent, deletes it (a consistent read alone when the token may not
   * write there).
   *
   * @param key the key, under {@link #VERIFY_KEY_PREFIX}
   */
  @Kind("verify-writable")
  record VerifyWritable(String key, Duration timeout) implements Step {
    @Override
    public boolean destructive() {
      return false;
    }

    @Override
    public String describe() {
      return "verify within " + timeout.toSeconds() + "s that a consistent write and read of " + key
          + " succeed through the leader";
    }
  }

  /** The KV prefix of the keys the verification writes (the ACL policy grants key_prefix write on it). */
  String VERIFY_KEY_PREFIX = "consul-watchdog/verify/";
}

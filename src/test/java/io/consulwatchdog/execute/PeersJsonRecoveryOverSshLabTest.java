package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import static io.consulwatchdog.execute.PeersJsonRecoveryScenario.peersJsonBytes;
import static io.consulwatchdog.execute.PeersJsonRecoveryScenario.stepNumber;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.SshExecutorConfig;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import io.consulwatchdog.recover.ClusterReconciler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 acceptance, SSH: a real 3-server Consul 1.8.7 cluster whose servers the watchdog controls only
 * through a real OpenSSH sshd (their ctl.sh as remote commands, file operations as remote commands) heals
 * from two of three servers replaced for good with the peers-json strategy, keeping every key.
 */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class PeersJsonRecoveryOverSshLabTest {
  private static final String USER = System.getProperty("user.name");

  @TempDir Path sshDir;
  @TempDir Path stateDir;

  /** Each server's ctl.sh run over SSH as the lab user; no prefix for file commands (the lab user owns the files). */
  private static SshExecutorConfig ssh(SshdLab sshd, LabServer server) {
    String ctl = server.ctlScript().toString();
    return sshd.config("id_ed25519", sshd.knownHosts, false, List.of(ctl, "stop"), List.of(ctl, "start"),
        List.of(ctl, "restart"), List.of());
  }

  @Test
  void healsTwoOfThreeReplacedOverSsh(TestLabCluster lab) throws Exception {
    try (SshdLab sshd = SshdLab.start(sshDir);
        ExecutorResources resources = new ExecutorResources();
        PeersJsonRecoveryScenario scenario = new PeersJsonRecoveryScenario(lab, stateDir)) {
      scenario.writeKeysAndRememberTopology(scenario.cluster(s -> ssh(sshd, s)));
      String survivor = scenario.replaceAllButOne();
      ClusterConfig cluster = scenario.cluster(s -> ssh(sshd, s));
      ClusterReconciler watch = scenario.watch(cluster, s -> AgentExecutors.create(s, resources));

      Duration took = scenario.tickUntilRecoveryFinished(watch);
      System.out.printf("e2e ssh: peers-json recovery finished in %d ms%n", took.toMillis());

      scenario.assertHealedByPeersJson(watch, cluster, survivor, SshExecutor.class);
      String via = "ssh " + USER + "@127.0.0.1:" + sshd.port + ": ";
      RecoveryPlan plan = scenario.plan(cluster);
      assertThat(scenario.calls()).allSatisfy(c -> {
        assertThat(c.executor()).isEqualTo(SshExecutor.class);
        assertThat(c.description()).startsWith(via);
        assertThat(c.result().success()).as(c.server() + " " + c.operation().name() + ": " + c.result().error())
            .isTrue();
      });
      // the servers were stopped and started by their ctl.sh, run by sshd
      assertThat(scenario.calls(AgentOperation.Stop.class)).extracting(PeersJsonRecoveryScenario.Call::server)
          .containsExactlyInAnyOrderElementsOf(lab.servers().stream().map(LabServer::name).toList());
      assertThat(scenario.calls(AgentOperation.Start.class)).extracting(PeersJsonRecoveryScenario.Call::server)
          .containsExactlyInAnyOrderElementsOf(lab.servers().stream().map(LabServer::name).toList());
      assertThat(scenario.calls(AgentOperation.Stop.class)).allSatisfy(c ->
          assertThat(c.result().stdout()).startsWith("stopped (pid "));
      assertThat(scenario.calls(AgentOperation.Start.class)).allSatisfy(c ->
          assertThat(c.result().stdout()).startsWith("started (pid "));
      assertThat(Files.readString(sshDir.resolve("sshd.log"))).contains("Accepted publickey for " + USER);

      List<String> described = scenario.assertDescriptionMatchesWhatRan(cluster,
          s -> AgentExecutors.create(s, resources));
      String survivorCtl = "'" + lab.server(survivor).ctlScript() + "'";
      String peers = lab.server(survivor).dataDir() + "/raft/peers.json";
      String tmp = lab.server(survivor).dataDir() + "/raft/.peers.json.<random>.consul-watchdog-tmp";
      assertThat(described).contains(
          String.format("  %2d. via: %s%s 'stop'", stepNumber(plan, Step.StopAgent.class, survivor), via, survivorCtl),
          String.format("  %2d. via: %s%s 'start'", stepNumber(plan, Step.StartAgent.class, survivor), via,
              survivorCtl),
          String.format("  %2d. via: %sumask 0133 && if ! 'test' '!' '-L' '%s'; then echo 'write-file %s: refused:"
              + " %s is a symbolic link (or the check was not allowed)' >&2; exit 1; fi && 'dd' 'if=/dev/null' 'of=%s'"
              + " 'oflag=nofollow' 'conv=excl' 'status=none' && { 'dd' 'of=%s' 'oflag=nofollow' 'conv=fsync'"
              + " 'status=none' && 'mv' '-f' '-T' '--' '%s' '%s' || { 'rm' '-f' '--' '%s'; exit 1; }; } (stdin: %d"
              + " bytes)", stepNumber(plan, Step.WritePeersJson.class, survivor), via, peers, peers, peers, tmp, tmp,
              tmp, peers, tmp, peersJsonBytes(plan)));
      described.forEach(line -> System.out.println("e2e ssh: " + line));
    }
  }
}

package io.consulwatchdog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.diagnose.ClusterDiagnoser;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.observe.ServerObservation;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The agent simulator replays captured agents faithfully and produces each fault the watchdog must survive. */
class AgentSimulatorTest {
  private static final Duration TIMEOUT = Duration.ofMillis(600);

  private static ClusterConfig cluster(List<SimulatedAgent> agents) {
    List<ServerConfig> servers = agents.stream()
        .map(a -> new ServerConfig(a.name(), a.uri(), Optional.empty(), new NoExecutorConfig())).toList();
    return new ClusterConfig("sim", servers, List.of(), Duration.ofSeconds(1), TIMEOUT, Optional.empty(),
        TlsConfig.defaults(), RecoveryConfig.defaults());
  }

  @Test
  void replayedHealthyFiveServerClusterIsDiagnosedHealthyLikeTheRealOne() {
    try (AgentSimulator sim = AgentSimulator.start(CapturedAgent.state("five-healthy"), AgentBehaviour.replay(), 2);
        HttpClusterObserver observer = new HttpClusterObserver(Clock.systemUTC())) {
      ClusterSnapshot snapshot = observer.observe(cluster(sim.agents()));
      Verdict v = new ClusterDiagnoser().diagnose(snapshot, History.empty(), snapshot.observedAt(), Duration.ofSeconds(5));
      assertThat(v.code()).isEqualTo(DiagnosisCode.HEALTHY);
      assertThat(v.liveVoters()).isEqualTo(5);
      assertThat(sim.requests()).isEqualTo(25);
    }
  }

  @Test
  void agentsCapturedWhileDownRefuseConnections() {
    try (AgentSimulator sim = AgentSimulator.start(CapturedAgent.state("leader-reelected"), AgentBehaviour.replay(), 2);
        HttpClusterObserver observer = new HttpClusterObserver(Clock.systemUTC())) {
      ClusterSnapshot snapshot = observer.observe(cluster(sim.agents()));
      assertThat(snapshot.servers()).extracting(ServerObservation::reachability)
          .containsExactly(Reachability.OK, Reachability.REFUSED, Reachability.OK);
    }
  }

  @Test
  void eachFaultIsSeenAsTheWatchdogWouldSeeItOnARealAgent() {
    List<CapturedAgent> five = Collections.nCopies(5, CapturedAgent.state("five-healthy").get(0));
    try (AgentSimulator sim = AgentSimulator.start(five, AgentBehaviour.replay(), 2);
        HttpClusterObserver observer = new HttpClusterObserver(Clock.systemUTC())) {
      List<SimulatedAgent> agents = sim.agents();
      agents.get(1).behave(AgentBehaviour.replay().withFault(Fault.REFUSE));
      agents.get(2).behave(AgentBehaviour.replay().withFault(Fault.HANG));
      agents.get(3).behave(AgentBehaviour.replay().withFault(Fault.HTTP_500));
      agents.get(4).behave(AgentBehaviour.replay().withFault(Fault.GARBAGE));
      ClusterSnapshot faulty = observer.observe(cluster(agents));
      assertThat(faulty.servers()).extracting(ServerObservation::reachability).containsExactly(Reachability.OK,
          Reachability.REFUSED, Reachability.TIMEOUT, Reachability.HTTP_ERROR, Reachability.GARBAGE);

      agents.forEach(a -> a.behave(AgentBehaviour.replay()));
      ClusterSnapshot healed = observer.observe(cluster(agents));
      assertThat(healed.servers()).extracting(ServerObservation::reachability).containsOnly(Reachability.OK);
    }
  }

  @Test
  void latencyDelaysEveryAnswer() {
    Duration latency = Duration.ofMillis(250);
    try (AgentSimulator sim = AgentSimulator.start(CapturedAgent.state("healthy"),
        new AgentBehaviour(latency, Duration.ofMillis(50), Fault.NONE), 2);
        HttpClusterObserver observer = new HttpClusterObserver(Clock.systemUTC())) {
      ClusterSnapshot snapshot = observer.observe(cluster(sim.agents()));
      assertThat(snapshot.servers()).extracting(ServerObservation::reachability).containsOnly(Reachability.OK);
      assertThat(snapshot.took()).isGreaterThanOrEqualTo(latency);
    }
  }
}

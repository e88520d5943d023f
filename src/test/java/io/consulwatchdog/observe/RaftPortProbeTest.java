package io.consulwatchdog.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.consul.Reachability;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class RaftPortProbeTest {

  @Test
  void onlyARefusedConnectToAnAliveMemberNoServerAnswersForIsReported() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int closedPort = closed.getLocalPort();
      closed.close(); // nothing listens there any more
      List<Member> gossip = List.of(
          new Member("self", "127.0.0.1", Member.ALIVE, true, "ID-SELF", listening.getLocalPort()),
          new Member("runs", "127.0.0.1", Member.ALIVE, true, "id-runs", listening.getLocalPort()),
          new Member("killed", "127.0.0.1", Member.ALIVE, true, "id-killed", closedPort),
          new Member("failed", "127.0.0.1", Member.FAILED, true, "id-failed", closedPort),
          new Member("client", "127.0.0.1", Member.ALIVE, false, "id-client", closedPort));
      ServerObservation self = new ServerObservation("self", URI.create("http://127.0.0.1:8500"), Reachability.OK, "",
          "id-self", "self", "1.8.7", true, "Candidate", 3, 10, 3, "2s", 3, "127.0.0.1:8300", Optional.of(""),
          Optional.empty(), Optional.empty(), Optional.of(gossip), Map.of());
      assertThat(RaftPortProbe.refused(List.of(self), Duration.ofMillis(500), ForkJoinPool.commonPool()))
          .containsExactly("id-killed");
    }
  }
}

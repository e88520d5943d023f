package io.consulwatchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consulwatchdog.ChildJvm;
import io.consulwatchdog.LogCapture;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.daemon.ClusterLock;
import io.consulwatchdog.daemon.Daemon;
import io.consulwatchdog.daemon.LockProbe;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `run` holds one lock per cluster: a second daemon on the same state dir exits 75, read-only commands still work. */
class RunCommandTest {
  private static final Duration CHILD = Duration.ofSeconds(30);
  private static final long SELF = ProcessHandle.current().pid();
  @TempDir Path dir;

  /** A detect-only config whose only server is 127.0.0.1:1, where nothing listens. */
  private Path config(String extraClusterKeys) throws Exception {
    Path file = dir.resolve("config.yml");
    Files.writeString(file, "state_dir: " + dir.resolve("state") + "\nlisten_address: 127.0.0.1:0\nclusters:\n"
        + "  - name: dc1\n    poll_interval: 1s\n" + extraClusterKeys
        + "    servers:\n      - name: s1\n        http_address: http://127.0.0.1:1\n");
    return file;
  }

  private record Run(int exit, String err) {}

  private static Run inProcess(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    return new Run(cl.execute(args), err.toString());
  }

  @Test
  void aSecondRunInAnotherProcessExits75NamingTheHolderWhileReadOnlyCommandsWork() throws Exception {
    Path config = config("");
    WatchdogConfig loaded = new ConfigLoader().load(config);
    try (Daemon first = Daemon.start(loaded)) {
      Path lockFile = dir.resolve("state").toRealPath().resolve("dc1/daemon.lock");
      ChildJvm.Result second = ChildJvm.run(Main.class, Map.of(), CHILD, "run", "--config", config.toString());

      assertThat(second.exit()).as(second.output()).isEqualTo(ExitCodes.TEMPFAIL);
      List<String> errorLines = second.output().lines().filter(l -> l.startsWith("consul-watchdog:")).toList();
      assertThat(errorLines).as(second.output()).singleElement().asString()
          .contains("cluster dc1 is already watched by another consul-watchdog (pid " + SELF + ", started ")
          .contains("lock " + lockFile);
      assertThat(second.output()).doesNotContain("\tat ");

      for (String command : List.of("validate", "check", "plan")) {
        Run alongside = inProcess(command, "--config", config.toString());
        assertThat(alongside.exit()).as(command + ": " + alongside.err()).isNotIn(ExitCodes.TEMPFAIL, ExitCodes.SOFTWARE);
        assertThat(alongside.err()).as(command).doesNotContain("already watched");
      }
      assertThat(ChildJvm.run(LockProbe.class, Map.of(), CHILD, dir.resolve("state").toString(), "dc1", "try").exit())
          .as("the daemon still holds its lock after the read-only commands").isEqualTo(75);
      assertThat(first.latest("dc1")).as("the first daemon still polls").isNotNull();
    }
    ChildJvm.Result afterwards = ChildJvm.run(LockProbe.class, Map.of(), CHILD, dir.resolve("state").toString(), "dc1",
        "try");
    assertThat(afterwards.exit()).as("released when the daemon closed: " + afterwards.output()).isZero();
  }

  @Test
  void aRunKilledWithSigkillLeavesItsPidInTheLockFileButDoesNotBlockTheNextDaemon() throws Exception {
    Path config = config("");
    Process killed = ChildJvm.start(Main.class, Map.of(), "run", "--config", config.toString());
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(killed.getInputStream(), StandardCharsets.UTF_8));
      String line = "";
      for (int i = 0; i < 200 && line != null && !line.startsWith("consul-watchdog: watching dc1"); i++) {
        line = out.readLine(); // bounded in count, and by the child's own start
      }
      assertThat(line).as("the child daemon started").startsWith("consul-watchdog: watching dc1");
      assertThat(inProcess("run", "--config", config.toString()).exit()).isEqualTo(ExitCodes.TEMPFAIL);

      killed.destroyForcibly(); // SIGKILL: no shutdown hook runs, the file still names the dead process
      assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      killed.destroyForcibly();
    }
    try (Daemon next = Daemon.start(new ConfigLoader().load(config))) {
      assertThat(next.listenAddress()).startsWith("127.0.0.1:");
    }
  }

  @Test
  void aTokenSentOverPlainHttpToAnAddressThatIsNotLoopbackIsWarnedOnceAtStart() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cr3t-token-value\n");
    Path config = dir.resolve("token.yml");
    Files.writeString(config, "state_dir: " + dir.resolve("state") + "\nlisten_address: 127.0.0.1:0\nclusters:\n"
        + "  - name: dc1\n    acl_token: {file: " + token + "}\n    servers:\n"
        + "      - {name: s1, http_address: \"http://10.0.0.1:8500\"}\n"
        + "      - {name: s2, http_address: \"http://consul-2.internal:8500\"}\n"
        + "      - {name: s3, http_address: \"https://10.0.0.3:8501\"}\n"
        + "      - {name: s4, http_address: \"http://127.0.0.4:8500\"}\n"
        + "      - {name: s5, http_address: \"http://localhost:8500\"}\n"
        + "      - {name: s6, http_address: \"http://[::1]:8500\"}\n"
        + "  - name: dc2\n    servers:\n      - {name: t1, http_address: \"http://10.0.1.1:8500\"}\n");
    // This JVM holds dc1's lock, so the run stops right after its start checks: nothing is polled.
    try (ClusterLock held = ClusterLock.acquire(dir.resolve("state"), "dc1");
        LogCapture log = LogCapture.of(RunCommand.class)) {
      Run run = inProcess("run", "--config", config.toString());
      assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.TEMPFAIL);
      assertThat(log.warnings()).singleElement().asString()
          .contains("cluster dc1", "http://10.0.0.1:8500", "http://consul-2.internal:8500", "not loopback")
          .doesNotContain("10.0.0.3", "127.0.0.4", "localhost", "::1", "dc2", "s3cr3t");
      assertThat(run.err()).doesNotContain("s3cr3t");
    }
  }

  @Test
  void aSecondDaemonInThisJvmIsRefusedToo() throws Exception {
    Path config = config("");
    WatchdogConfig loaded = new ConfigLoader().load(config);
    try (Daemon first = Daemon.start(loaded)) {
      assertThatThrownBy(() -> Daemon.start(loaded)).isInstanceOf(ClusterLock.HeldException.class)
          .hasMessageContaining("(pid " + SELF);
      Run second = inProcess("run", "--config", config.toString());
      assertThat(second.exit()).as(second.err()).isEqualTo(ExitCodes.TEMPFAIL);
      assertThat(second.err()).contains("already watched");
      assertThat(first.listenAddress()).startsWith("127.0.0.1:");
    }
  }
}

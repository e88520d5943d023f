package io.consulwatchdog.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.config.Durations;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.recover.AuditJournal;
import io.consulwatchdog.recover.PauseStore;
import io.consulwatchdog.recover.RecoveryHistory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the daemon answers on /health, /ready and /status, and to control requests, from its watched clusters;
 * also the one-line summary systemd shows (STATUS=).
 */
final class DaemonStatus implements StatusServer.Source, SystemdNotifier.View {
  private final Supplier<List<WatchedCluster>> clusters;
  private final ClusterControl control;
  private final PauseStore pauses;
  private final Supplier<Path> stateDir;
  private final Function<WatchedCluster, Map<String, Object>> coordination;
  private final Clock clock;

  DaemonStatus(Supplier<List<WatchedCluster>> clusters, ClusterControl control, PauseStore pauses,
      Supplier<Path> stateDir, Function<WatchedCluster, Map<String, Object>> coordination, Clock clock) {
    this.clusters = clusters;
    this.control = control;
    this.pauses = pauses;
    this.stateDir = stateDir;
    this.coordination = coordination;
    this.clock = clock;
  }

  /** True while every cluster's loop makes progress (see {@link LoopProgress}). */
  @Override
  public boolean allLive() {
    return clusters.get().stream().allMatch(c -> c.progress().live());
  }

  /** True once every cluster was polled at least once. */
  @Override
  public boolean allPolled() {
    return clusters.get().stream().allMatch(c -> c.reconciler().history().latest().isPresent());
  }

  /** One line: each cluster's diagnosis, recovery state when not idle, and mode. */
  @Override
  public String summaryLine() {
    return clusters.get().stream().map(c -> {
      String verdict = c.reconciler().history().latest().map(Verdict::summary).map(s -> s.split(" leader=")[0])
          .orElse("not polled yet");
      String state = c.reconciler().state().state().name();
      return c.name() + ": " + verdict + (state.equals("IDLE") ? "" : ", " + state) + ", " + c.mode().kind().label();
    }).collect(Collectors.joining("; "));
  }

  @Override
  public StatusServer.Reply health() {
    Map<String, Object> byCluster = new LinkedHashMap<>();
    boolean up = true;
    for (WatchedCluster c : clusters.get()) {
      boolean live = c.progress().live();
      up &= live;
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("live", live);
      one.put("lastProgress", c.progress().lastProgress());
      one.put("staleAfter", Durations.format(c.progress().staleAfter()));
      c.reconciler().history().latest().ifPresentOrElse(v -> {
        one.put("state", v.code());
        one.put("summary", v.summary());
        one.put("observedAt", v.at());
      }, () -> one.put("state", "NOT_YET_POLLED"));
      one.put("recovery", c.reconciler().state().state());
      one.put("coordination", coordination.apply(c));
      byCluster.put(c.name(), one);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.put("clusters", byCluster);
    return new StatusServer.Reply(up ? 200 : 503, body);
  }

  @Override
  public StatusServer.Reply ready() {
    Map<String, Object> polled = new LinkedHashMap<>();
    clusters.get().forEach(c -> polled.put(c.name(), c.reconciler().history().latest().isPresent()));
    boolean ready = polled.values().stream().allMatch(Boolean.TRUE::equals);
    return new StatusServer.Reply(ready ? 200 : 503, Map.of("ready", ready, "polled", polled));
  }

  @Override
  public StatusServer.Reply status() {
    Map<String, Object> byCluster = new LinkedHashMap<>();
    for (WatchedCluster c : clusters.get()) {
      byCluster.put(c.name(), status(c));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("time", clock.instant());
    body.put("clusters", byCluster);
    return new StatusServer.Reply(200, body);
  }

  private Map<String, Object> status(WatchedCluster c) {
    Map<String, Object> one = new LinkedHashMap<>();
    c.reconciler().history().latest().ifPresent(v -> one.put("verdict", v));
    c.progress().latest().ifPresent(s -> one.put("snapshot", s));
    one.put("recovery", c.reconciler().state());
    one.put("mode", mode(c.mode()));
    one.put("coordination", coordination.apply(c));
    pauses.load(c.name()).filter(p -> p.activeAt(clock.instant())).ifPresent(p -> one.put("pause", p));
    RecoveryHistory.lastRun(new AuditJournal(stateDir.get(), c.name(), clock).read())
        .ifPresent(r -> one.put("lastRecovery", r));
    one.put("live", c.progress().live());
    one.put("lastProgress", c.progress().lastProgress());
    return one;
  }

  @Override
  public StatusServer.Reply control(String cluster, String action, JsonNode body) {
    Optional<WatchedCluster> target = clusters.get().stream().filter(c -> c.name().equals(cluster)).findFirst();
    if (target.isEmpty()) {
      return StatusServer.Reply.error(404, "no cluster " + cluster + "; the daemon watches: "
          + clusters.get().stream().map(WatchedCluster::name).collect(Collectors.joining(", ")));
    }
    return control.run(target.get(), action, body);
  }

  /** A mode as the API shows it: {"mode": label, "reason": why, "until": end if any}. */
  static Map<String, Object> mode(EffectiveMode mode) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", mode.kind().label());
    m.put("reason", mode.reason());
    mode.until().ifPresent(u -> m.put("until", u));
    return m;
  }
}

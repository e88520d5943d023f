package io.consulwatchdog.daemon;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.WatchdogConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a reload changes: the clusters added, removed, changed (any setting, a token read from its file
 * included) and unchanged, and the global settings that only a restart can change.
 *
 * @param added clusters only in the new config, in its order
 * @param removed clusters only in the old config
 * @param changed clusters in both whose settings differ
 * @param unchanged clusters in both with the same settings
 * @param needRestart one line per global setting that changed but stays as it was until a restart
 */
record ConfigChange(List<String> added, List<String> removed, List<String> changed, List<String> unchanged,
    List<String> needRestart) {

  /** The change from one config to the next. */
  static ConfigChange between(WatchdogConfig old, WatchdogConfig next) {
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (ClusterConfig c : next.clusters()) {
      Optional<ClusterConfig> before = old.cluster(c.name());
      if (before.isEmpty()) {
        added.add(c.name());
      } else if (before.get().equals(c)) {
        unchanged.add(c.name());
      } else {
        changed.add(c.name());
      }
    }
    List<String> removed = old.clusters().stream().map(ClusterConfig::name)
        .filter(name -> next.cluster(name).isEmpty()).toList();
    List<String> needRestart = new ArrayList<>();
    if (!old.stateDir().equals(next.stateDir())) {
      needRestart.add("state_dir " + old.stateDir() + " -> " + next.stateDir());
    }
    if (!old.listenAddress().equals(next.listenAddress())) {
      needRestart.add("listen_address " + old.listenAddress() + " -> " + next.listenAddress());
    }
    if (!old.coordination().equals(next.coordination())) {
      needRestart.add("coordination");
    }
    return new ConfigChange(added, removed, changed, unchanged, needRestart);
  }

  /** One line for the log. */
  String describe() {
    return "added " + names(added) + ", removed " + names(removed) + ", changed " + names(changed) + ", unchanged "
        + names(unchanged);
  }

  private static String names(List<String> names) {
    return names.isEmpty() ? "none" : String.join(" ", names);
  }
}

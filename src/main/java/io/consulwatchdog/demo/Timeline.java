package io.consulwatchdog.demo;

import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.ServerObservation;
import io.consulwatchdog.recover.ClusterReconciler;
import java.io.PrintWriter;
import java.time.Duration;

/** Prints the demo's story: one line per poll with each server's state, the verdict and the watch state. */
final class Timeline {
  private final PrintWriter out;
  private final long start = System.nanoTime();
  private String lastPollLine = "";

  Timeline(PrintWriter out) {
    this.out = out;
  }

  /** Seconds since the demo started. */
  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** A headline for a phase of the story. */
  synchronized void phase(String text) {
    endPolls();
    out.printf("%n== %s%n", text);
    out.flush();
  }

  /** A line of narration. */
  synchronized void say(String text) {
    endPolls();
    out.printf("%s  %s%n", stamp(), text);
    out.flush();
  }

  /** One poll: printed when it differs from the previous one, so a steady state is one line. */
  synchronized void poll(ClusterSnapshot snapshot, ClusterReconciler.Tick tick, String watchState) {
    StringBuilder servers = new StringBuilder();
    for (ServerObservation s : snapshot.servers()) {
      servers.append(String.format("%-22s", s.name().replaceFirst("^demo-", "") + " "
          + (s.reachable() ? s.raftState() + (s.seesLeader() ? "" : "?") : "down")));
    }
    String line = servers + " " + String.format("%-34s", tick.verdict().code()
        + (tick.verdict().cause().name().equals("NONE") ? "" : " (" + tick.verdict().cause() + ")"))
        + " watch=" + watchState;
    if (line.equals(lastPollLine)) {
      out.print(".");
    } else {
      out.printf("%n%s  %s", stamp(), line);
      lastPollLine = line;
    }
    out.flush();
  }

  /** A message from the watchdog itself (a plan, a step, a state change), indented under the polls. */
  synchronized void event(String message) {
    endPolls();
    message.strip().lines().forEach(l -> out.printf("%s    | %s%n", stamp(), l.replaceFirst("^cluster [^:]+: ", "")));
    out.flush();
  }

  /** Ends a run of poll lines before narration resumes. */
  synchronized void endPolls() {
    if (!lastPollLine.isEmpty()) {
      out.println();
      lastPollLine = "";
    }
  }

  private String stamp() {
    return String.format("[+%5.1fs]", elapsed().toMillis() / 1000.0);
  }
}

package io.consulwatchdog.cli;

import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.ServerObservation;
import java.io.PrintWriter;

/** Prints a verdict and its evidence for a person: a headline, the reasons, and one line per server. */
public final class VerdictReport {
  private static final String ROW = "  %-14s %-26s %-9s %-10s %6s %9s  %-22s %-10s %s%n";

  private VerdictReport() {}

  /** Writes the report for one cluster. */
  public static void print(PrintWriter out, ClusterSnapshot snapshot, Verdict verdict) {
    out.printf("cluster %s: %s%n", verdict.cluster(), verdict.summary());
    verdict.evidence().forEach(e -> out.printf("  - %s%n", e));
    out.printf(ROW, "SERVER", "ADDRESS", "REACHABLE", "RAFT", "TERM", "LAST_IDX", "LEADER SEEN", "VERSION", "NODE ID");
    for (ServerObservation s : snapshot.servers()) {
      if (!s.reachable()) {
        out.printf(ROW, s.name(), s.address().getAuthority(), "no", "-", "-", "-", "-", "-", s.reachability() + ": " + s.error());
        continue;
      }
      out.printf(ROW, s.name(), s.address().getAuthority(), "yes", dash(s.raftState()), num(s.term()),
          num(s.lastLogIndex()), s.leader().map(l -> l.isBlank() ? "(none)" : l).orElse("?"), dash(s.version()),
          dash(s.nodeId()));
    }
    out.flush();
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s;
  }

  private static String num(long n) {
    return n < 0 ? "-" : Long.toString(n);
  }
}

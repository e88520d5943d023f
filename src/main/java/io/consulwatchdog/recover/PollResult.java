package io.consulwatchdog.recover;

import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.ClusterSnapshot;

/**
 * One poll of one cluster: what was observed and what the diagnosis made of it.
 *
 * @param snapshot every server's answers
 * @param verdict the diagnosis of that snapshot
 */
public record PollResult(ClusterSnapshot snapshot, Verdict verdict) {}

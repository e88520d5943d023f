package io.consulwatchdog.recover;

import java.time.Duration;
import java.util.Optional;

/**
 * How running a plan ended.
 *
 * @param succeeded true when every step from the start index on succeeded
 * @param failedStep zero-based index of the step that failed, if one did
 * @param reason one sentence: what failed and why, or "all N steps succeeded"
 * @param took time spent running
 */
public record RunResult(boolean succeeded, Optional<Integer> failedStep, String reason, Duration took) {}

package io.consulwatchdog.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** The configured recovery mode of a cluster (recovery.mode), parsed once from the config file. */
public enum RecoveryMode {
  /** Observe, diagnose and alert; never plan or act. */
  DETECT_ONLY("detect-only"),
  /** Plan and log the plan that would run; never act. */
  DRY_RUN("dry-run"),
  /** Act on a confirmed leaderless state. */
  AUTO("auto");

  private final String configName;

  RecoveryMode(String configName) {
    this.configName = configName;
  }

  /** The name used in the config file, logs and metrics, e.g. "detect-only". */
  @JsonValue
  public String configName() {
    return configName;
  }

  /** The mode with this config name, if any. */
  public static Optional<RecoveryMode> parse(String name) {
    return Arrays.stream(values()).filter(m -> m.configName.equals(name)).findFirst();
  }

  /** The config names of every mode, comma separated, for error messages. */
  public static String names() {
    return String.join(", ", Arrays.stream(values()).map(RecoveryMode::configName).toList());
  }

  @Override
  public String toString() {
    return configName;
  }
}

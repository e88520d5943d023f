package io.consulwatchdog.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the watchdog controls one Consul agent: the kind of executor and its settings. */
public sealed interface ExecutorConfig
    permits LocalExecutorConfig, SshExecutorConfig, SystemdExecutorConfig, NoExecutorConfig {

  /** The executor kind as written in the config file ("local", "ssh", "systemd", "none"). */
  @JsonProperty("type")
  String type();
}

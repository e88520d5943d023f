package io.consulwatchdog.config;

import java.util.Optional;

/**
 * Controls an agent that runs as a systemd unit on the watchdog's host, through systemd's D-Bus API.
 *
 * @param unit unit name, e.g. consul.service
 * @param bus which bus: "system" (default), "user", or "address"
 * @param address explicit D-Bus address when bus is "address"
 */
public record SystemdExecutorConfig(String unit, String bus, Optional<String> address)
    implements ExecutorConfig {
  @Override
  public String type() {
    return "systemd";
  }
}

package io.consulwatchdog.config;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * A recurring maintenance window of a cluster ({@code maintenance_windows:}): it opens at each fire time of a
 * Quartz cron expression, in its own time zone, and stays open for its duration. Inside it the cluster only
 * plans (dry-run); the mode is decided in one place, {@code decide.EffectiveMode}.
 *
 * @param cron a Quartz cron expression (seconds first; one of day-of-month and day-of-week is "?"),
 *     e.g. {@code 0 0 2 ? * SUN} for Sundays at 02:00
 * @param duration how long each window stays open
 * @param timeZone the zone the cron expression is read in
 * @param reason why, shown in logs, /status and `check`
 */
public record MaintenanceWindow(String cron, Duration duration, ZoneId timeZone, String reason) {
  /** At most this many fire times are stepped through to find the latest one that opened a window. */
  private static final int MAX_STEPS = 10_000;

  /** Parses the cron expression as Quartz does; ParseException names what Quartz refused. */
  public static void validate(String cron) throws ParseException {
    CronExpression.validateExpression(cron);
  }

  /**
   * The end of the window open at {@code now}, or empty when none is: a window is open when a fire time t
   * satisfies t &lt;= now &lt; t + duration. Overlapping windows end with the latest one. A pure function of
   * its argument (the expression is parsed anew on each call: Quartz's parsed form is mutable).
   */
  public Optional<Instant> activeUntil(Instant now) {
    CronExpression expression = parsed();
    Date start = expression.getNextValidTimeAfter(Date.from(now.minus(duration)));
    if (start == null || start.toInstant().isAfter(now)) {
      return Optional.empty();
    }
    for (int i = 0; i < MAX_STEPS; i++) {
      Date later = expression.getNextValidTimeAfter(start);
      if (later == null || later.toInstant().isAfter(now)) {
        break;
      }
      start = later;
    }
    return Optional.of(start.toInstant().plus(duration));
  }

  /** One line for logs and status: the reason, the expression, the duration and the zone. */
  public String describe() {
    return "maintenance window \"" + reason + "\" (" + cron + ", " + Durations.format(duration) + ", "
        + timeZone.getId() + ")";
  }

  private CronExpression parsed() {
    try {
      CronExpression expression = new CronExpression(cron);
      expression.setTimeZone(TimeZone.getTimeZone(timeZone));
      return expression;
    } catch (ParseException e) {
      throw new IllegalStateException("cron expression \"" + cron + "\" was validated when the config was loaded", e);
    }
  }
}

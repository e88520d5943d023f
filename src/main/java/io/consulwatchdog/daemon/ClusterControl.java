package io.consulwatchdog.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.config.Durations;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.Pause;
import io.consulwatchdog.recover.Acknowledgement;
import io.consulwatchdog.recover.PauseStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control actions of the status API on one cluster: pause (for a while, with a reason, by an owner),
 * resume, and acknowledge an escalation. Each answer says the cluster's effective mode afterwards.
 */
final class ClusterControl {
  /** The longest pause: every pause ends by itself. */
  static final Duration MAX_PAUSE = Duration.ofDays(7);
  /** The shortest pause. */
  static final Duration MIN_PAUSE = Duration.ofMinutes(1);
  /** How long an acknowledgement waits for a tick under way to end. */
  static final Duration ACK_WAIT = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(ClusterControl.class);
  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final int MAX_TEXT = 500;

  private final PauseStore pauses;
  private final Path stateDir;
  private final Clock clock;

  ClusterControl(PauseStore pauses, Path stateDir, Clock clock) {
    this.pauses = pauses;
    this.stateDir = stateDir;
    this.clock = clock;
  }

  /** Runs an action (pause, resume, ack) on a watched cluster. */
  StatusServer.Reply run(WatchedCluster cluster, String action, JsonNode body) {
    try {
      return switch (action) {
        case "pause" -> pause(cluster, body);
        case "resume" -> resume(cluster, body);
        case "ack" -> acknowledge(cluster, body);
        default -> StatusServer.Reply.error(404, "no such action " + action);
      };
    } catch (BadRequest e) {
      return StatusServer.Reply.error(400, e.getMessage());
    }
  }

  private StatusServer.Reply pause(WatchedCluster cluster, JsonNode body) {
    String text = text(body, "for", true).orElseThrow();
    Duration length = Durations.parse(text).orElseThrow(() -> new BadRequest("for: must be a duration like 30m or 2h"
        + " (got \"" + text + "\")"));
    if (length.compareTo(MIN_PAUSE) < 0 || length.compareTo(MAX_PAUSE) > 0) {
      throw new BadRequest("for: must be between " + Durations.format(MIN_PAUSE) + " and "
          + Durations.format(MAX_PAUSE) + " (got \"" + text + "\"): a pause always ends by itself");
    }
    String reason = text(body, "reason", true).orElseThrow();
    String owner = owner(body);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Optional<Pause> before = pauses.load(cluster.name()).filter(p -> p.activeAt(now));
    Pause pause = new Pause(owner, reason, now, now.plus(length));
    pauses.save(cluster.name(), pause);
    EffectiveMode mode = cluster.mode();
    log.warn("cluster {}: {} ({}); mode now {}", cluster.name(), pause.describe(), before.map(p -> "replaces the pause "
        + "by " + p.owner() + " until " + p.until()).orElse("a recovery under way, if any, finishes first"), mode);
    Map<String, Object> reply = answer(cluster, mode);
    reply.put("pause", pause);
    before.ifPresent(p -> reply.put("replaced", p));
    return new StatusServer.Reply(200, reply);
  }

  private StatusServer.Reply resume(WatchedCluster cluster, JsonNode body) {
    String owner = owner(body);
    Optional<Pause> was = pauses.clear(cluster.name()).filter(p -> p.activeAt(clock.instant()));
    EffectiveMode mode = cluster.mode();
    if (was.isPresent()) {
      log.warn("cluster {}: resumed by {} (was {}); mode now {}", cluster.name(), owner, was.get().describe(), mode);
    }
    Map<String, Object> reply = answer(cluster, mode);
    reply.put("resumed", was.isPresent());
    was.ifPresent(p -> reply.put("was", p));
    return new StatusServer.Reply(200, reply);
  }

  private StatusServer.Reply acknowledge(WatchedCluster cluster, JsonNode body) {
    String owner = owner(body);
    String note = text(body, "note", false).orElse("");
    Optional<Acknowledgement.Outcome> outcome;
    try {
      outcome = cluster.betweenTicks(ACK_WAIT, () -> Acknowledgement.acknowledge(stateDir, cluster.name(), owner,
          note, clock));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return StatusServer.Reply.error(503, "interrupted");
    }
    if (outcome.isEmpty()) {
      return StatusServer.Reply.error(409, "cluster " + cluster.name() + " is busy (a recovery or a slow poll under "
          + "way); try again");
    }
    if (outcome.get().acknowledged()) {
      log.warn("{}", outcome.get().message());
    }
    Map<String, Object> reply = answer(cluster, cluster.mode());
    reply.put("acknowledged", outcome.get().acknowledged());
    reply.put("message", outcome.get().message());
    reply.put("state", outcome.get().after().state());
    return new StatusServer.Reply(200, reply);
  }

  private static Map<String, Object> answer(WatchedCluster cluster, EffectiveMode mode) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("cluster", cluster.name());
    reply.put("mode", DaemonStatus.mode(mode));
    return reply;
  }

  private static String owner(JsonNode body) {
    String owner = text(body, "owner", true).orElseThrow();
    if (!OWNER.matcher(owner).matches()) {
      throw new BadRequest("owner: must be a user name (letters, digits, . _ @ -; at most 64) (got \"" + owner + "\")");
    }
    return owner;
  }

  private static Optional<String> text(JsonNode body, String field, boolean required) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new BadRequest(field + ": is required");
      }
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new BadRequest(field + ": must be a non-empty string (got " + v + ")");
    }
    if (v.asText().length() > MAX_TEXT) {
      throw new BadRequest(field + ": at most " + MAX_TEXT + " characters");
    }
    return Optional.of(v.asText().strip());
  }

  /** A request the API refuses with 400, naming the field and the value. */
  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }
}

package io.consulwatchdog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Talks to the running daemon's status and control API at its listen_address (or --address): GET /status,
 * POST /clusters/NAME/ACTION with the bearer token read from control_token_file.
 */
final class DaemonClient {
  private static final ObjectMapper JSON = JsonMapper.compact();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final String address;
  private final Optional<Secret> token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

  private DaemonClient(String address, Optional<Secret> token) {
    this.address = address;
    this.token = token;
  }

  /** A client for the daemon of this config: its listen_address (0.0.0.0 asked on 127.0.0.1) unless given one. */
  static DaemonClient of(WatchdogConfig config, String addressOverride) {
    String address = addressOverride != null ? addressOverride : config.listenAddress();
    if (address.startsWith("0.0.0.0:")) {
      address = "127.0.0.1:" + address.substring("0.0.0.0:".length());
    }
    return new DaemonClient(address, config.controlToken());
  }

  /** host:port asked. */
  String address() {
    return address;
  }

  /**
   * An answer of the daemon.
   *
   * @param status the HTTP status
   * @param body its JSON body
   */
  record Response(int status, JsonNode body) {
    /** True for 2xx. */
    boolean ok() {
      return status / 100 == 2;
    }

    /** The error message of a failed answer. */
    String error() {
      return body.path("error").asText(body.toString());
    }

    /** The sysexits code for this answer, 0 when it succeeded. */
    int exitCode() {
      return switch (status / 100 == 2 ? 200 : status) {
        case 200 -> 0;
        case 400, 404 -> ExitCodes.USAGE;
        case 401 -> ExitCodes.NO_PERMISSION;
        case 405 -> ExitCodes.CONFIG;
        case 409 -> ExitCodes.TEMPFAIL;
        default -> ExitCodes.UNAVAILABLE;
      };
    }
  }

  /** No daemon answers on the address (nothing listens, or it does not answer in time). */
  static final class Unreachable extends Exception {
    Unreachable(String address, Throwable cause) {
      super("no daemon answers on " + address + " (" + cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + "); is `consul-watchdog run` running, "
          + "and listen_address (or --address) right?", cause);
    }
  }

  /** A control request needs the token and none can be had: names control_token_file. */
  static final class NoToken extends Exception {
    final int exitCode;
    /** True when the config has no control_token_file: the daemon's control endpoints are off. */
    final boolean endpointsOff;

    NoToken(String message, int exitCode) {
      this(message, exitCode, false);
    }

    private NoToken(String message, int exitCode, boolean endpointsOff) {
      super(message);
      this.exitCode = exitCode;
      this.endpointsOff = endpointsOff;
    }
  }

  /** GET path. */
  Response get(String path) throws Unreachable, IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).GET().build());
  }

  /** POST path with a JSON body and the bearer token. */
  Response post(String path, Object body) throws Unreachable, NoToken, IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + bearerToken()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
  }

  private URI uri(String path) {
    return URI.create("http://" + address + path);
  }

  private Response send(HttpRequest request) throws Unreachable, IOException, InterruptedException {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException | HttpTimeoutException e) {
      throw new Unreachable(address, e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
    } catch (IOException e) {
      throw new IOException("the daemon on " + address + " answered " + r.statusCode() + " with what is not JSON", e);
    }
    return new Response(r.statusCode(), body);
  }

  /** The token: as loaded, or read from control_token_file (a config loaded for its syntax only holds its path). */
  private String bearerToken() throws NoToken {
    Secret secret = token.orElseThrow(() -> new NoToken("the config has no control_token_file: the daemon's control "
        + "endpoints are off (set control_token_file to a file holding a token, then reload the daemon)",
        ExitCodes.CONFIG, true));
    if (!secret.value().isEmpty()) {
      return secret.value();
    }
    Path named = secret.file().orElseThrow(() -> new NoToken("control_token_file names no file", ExitCodes.CONFIG));
    Path file = ConfigLoader.credentialsPath(named.toString(), System::getenv).map(Path::of).orElseThrow(() ->
        new NoToken("control_token_file " + named + " is the service's systemd credential, which only the service can "
            + "read: as root, run the command with CREDENTIALS_DIRECTORY=/run/credentials/consul-watchdog.service "
            + "(systemd's copy while the service runs)", ExitCodes.NO_PERMISSION));
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw new NoToken("control_token_file " + file + " is empty", ExitCodes.CONFIG);
      }
      return value;
    } catch (IOException e) {
      throw new NoToken("cannot read control_token_file " + file + " (" + e.getMessage() + "); run as a user who may "
          + "read it", ExitCodes.NO_PERMISSION);
    }
  }

  /** Prints a failed answer's error on err and returns its exit code. */
  static int fail(PrintWriter err, Response r) {
    err.println("consul-watchdog: the daemon answered " + r.status() + ": " + r.error());
    err.flush();
    return r.exitCode();
  }
}

package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.ChildJvm;
import io.consulwatchdog.cli.Main;
import io.consulwatchdog.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogEncoderTest {
  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("io.consulwatchdog.recover.PlanRunner");

  private LoggingEvent event(Level level, String message, Throwable error) {
    return event(level, message, error, Map.of("cluster", "dc1", "recovery", "20261125T210000Z-ab12"));
  }

  private LoggingEvent event(Level level, String message, Throwable error, Map<String, String> mdc) {
    LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, level, message, error, null);
    e.setMDCPropertyMap(mdc);
    return e;
  }

  private String encode(String format, LoggingEvent event) {
    LogEncoder encoder = new LogEncoder();
    encoder.setContext(context);
    encoder.setFormat(format);
    encoder.start();
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void underJournaldEveryLineCarriesItsSyslogPriorityAndNoTimestamp() {
    String error = encode("journal", event(Level.ERROR, "recovery failed:\nstep 2 failed", new IllegalStateException("boom")));
    List<String> lines = error.lines().toList();
    assertThat(lines.size()).isGreaterThan(3);
    assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("<3>"));
    assertThat(lines.get(0)).isEqualTo("<3>ERROR [dc1 20261125T210000Z-ab12] PlanRunner: recovery failed:");
    assertThat(error).doesNotContainPattern("\\d{4}-\\d\\d-\\d\\dT").contains("<3>java.lang.IllegalStateException: boom");
    assertThat(encode("journal", event(Level.WARN, "w", null))).startsWith("<4>WARN ");
    assertThat(encode("journal", event(Level.INFO, "i", null))).startsWith("<6>INFO ");
    assertThat(encode("journal", event(Level.DEBUG, "d", null))).startsWith("<7>DEBUG");
  }

  @Test
  void textHasTheTimeTheClusterAndTheRecovery() {
    assertThat(encode("text", event(Level.INFO, "step 1/6: start agent s2", null)))
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[dc1 20261125T210000Z-ab12] PlanRunner: "
            + "step 1/6: start agent s2\\n");
    LoggingEvent noRecovery = event(Level.INFO, "polled", null, Map.of("cluster", "dc1"));
    assertThat(encode("text", noRecovery)).contains(" [dc1] PlanRunner: polled");
  }

  @Test
  void jsonIsOneObjectPerLineWithLevelMessageAndMdc() throws Exception {
    String json = encode("json", event(Level.WARN, "cluster dc1: starting recovery", null));
    assertThat(json.lines().toList()).hasSize(1);
    JsonNode line = JsonMapper.compact().readTree(json);
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("formattedMessage").asText()).isEqualTo("cluster dc1: starting recovery");
    assertThat(line.path("mdc").path("recovery").asText()).isEqualTo("20261125T210000Z-ab12");
    assertThat(line.path("loggerName").asText()).isEqualTo("io.consulwatchdog.recover.PlanRunner");
  }

  @Test
  void theFormatIsAskedForOrFollowsWhereStderrGoes() {
    Map<String, String> journald = Map.of("JOURNAL_STREAM", "8:12345");
    assertThat(LogEncoder.Format.choose(journald::get, Optional.of("8:12345"))).isEqualTo(LogEncoder.Format.JOURNAL);
    assertThat(LogEncoder.Format.choose(journald::get, Optional.of("8:999")))
        .as("JOURNAL_STREAM inherited, but stderr goes elsewhere").isEqualTo(LogEncoder.Format.TEXT);
    assertThat(LogEncoder.Format.choose(Map.<String, String>of()::get, Optional.of("8:12345")))
        .isEqualTo(LogEncoder.Format.TEXT);
    Map<String, String> json = Map.of("JOURNAL_STREAM", "8:12345", "CONSUL_WATCHDOG_LOG_FORMAT", "json");
    assertThat(LogEncoder.Format.choose(json::get, Optional.of("8:12345"))).isEqualTo(LogEncoder.Format.JSON);
  }

  @Test
  void theShippedLogbackConfigWritesTheFormatTheEnvironmentAsksFor() throws Exception {
    String[] check = {"check", "-s", "http://127.0.0.1:1", "--timeout", "500ms"};
    ChildJvm.Result journal = ChildJvm.run(Main.class, Map.of(LogEncoder.FORMAT_VARIABLE, "journal"),
        Duration.ofSeconds(60), check);
    assertThat(journal.output()).contains("<4>WARN  [adhoc] ClusterPoller: State (start) -> UNOBSERVABLE");
    ChildJvm.Result json = ChildJvm.run(Main.class, Map.of(LogEncoder.FORMAT_VARIABLE, "json"),
        Duration.ofSeconds(60), check);
    JsonNode warning = JsonMapper.compact().readTree(json.output().lines().filter(l -> l.startsWith("{"))
        .filter(l -> l.contains("ClusterPoller")).findFirst().orElseThrow());
    assertThat(warning.path("level").asText()).isEqualTo("WARN");
    assertThat(warning.path("mdc").path("cluster").asText()).isEqualTo("adhoc");
    ChildJvm.Result text = ChildJvm.run(Main.class, Map.of(), Duration.ofSeconds(60), check);
    assertThat(text.output()).containsPattern("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z WARN  \\[adhoc] ClusterPoller: State");
  }
}

package io.consulwatchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.json.JsonMapper;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretTest {
  private static final Secret TOKEN = new Secret("env:CONSUL_HTTP_TOKEN", "s3cr3t-token-value");

  @Test
  void theJsonMappersWriteTheMaskedFormNeverTheValue() throws Exception {
    for (var mapper : List.of(JsonMapper.compact(), JsonMapper.pretty(), JsonMapper.yaml())) {
      String written = mapper.writeValueAsString(Map.of("token", TOKEN));
      assertThat(written).doesNotContain("s3cr3t").contains("******").contains("env:CONSUL_HTTP_TOKEN");
    }
  }

  @Test
  void aWholeClusterConfigWrittenAsJsonHidesItsToken() throws Exception {
    ClusterConfig cluster = new ClusterConfig("dc1",
        List.of(new ServerConfig("s1", URI.create("http://127.0.0.1:8500"), Optional.empty(), new NoExecutorConfig())),
        List.of(), Duration.ofSeconds(5), Duration.ofSeconds(3), Optional.of(TOKEN), TlsConfig.defaults(),
        RecoveryConfig.defaults());
    assertThat(JsonMapper.compact().writeValueAsString(cluster)).doesNotContain("s3cr3t").contains("******");
    assertThat(JsonMapper.pretty().writeValueAsString(cluster)).doesNotContain("s3cr3t").contains("******");
  }
}

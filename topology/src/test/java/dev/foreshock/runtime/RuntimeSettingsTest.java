package dev.foreshock.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeSettingsTest {

  @TempDir Path dir;

  @Test
  void shouldDefaultToEmbeddedExactlyOnceWithStateUnderDataDirWhenNothingIsSet() {
    RuntimeSettings s = RuntimeSettings.from(SettingsSource.empty(), Map.of());

    assertThat(s.embedded()).isTrue();
    assertThat(s.processingGuarantee()).isEqualTo("exactly_once_v2");
    assertThat(s.stateDir()).isEqualTo(s.dataDir().resolve("streams"));
    assertThat(s.dataDir().getFileName().toString()).isEqualTo("foreshock-data");
    assertThat(s.brokerPort()).isEqualTo(9092);
    assertThat(s.registryPort()).isEqualTo(8081);
    assertThat(s.queryPort()).isEqualTo(8080);
    assertThat(s.replicationFactor()).isEqualTo(-1);
    assertThat(s.retentionMs()).isEqualTo(Duration.ofDays(7).toMillis());
    assertThat(s.applicationId()).isEqualTo("foreshock");
  }

  @Test
  void shouldPassKafkaEnvironmentVariablesAndPrefixedKeysThroughWithFlagsWinning() throws IOException {
    Path config = dir.resolve("foreshock.properties");
    Properties p = new Properties();
    p.setProperty("kafka.security.protocol", "SSL");
    p.setProperty("kafka.sasl.mechanism", "SCRAM-SHA-256");
    p.setProperty("kafka.ssl.truststore.location", "/etc/kafka/trust.p12");
    p.setProperty("topics.partitions", "12");
    try (var w = Files.newBufferedWriter(config)) {
      p.store(w, null);
    }
    Map<String, String> env = Map.of(
        "KAFKA_SASL_MECHANISM", "PLAIN",
        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "KAFKA_HOME", "/opt/kafka",
        "KAFKA_HEAP_OPTS", "-Xmx1g",
        "FORESHOCK_KAFKA_CLIENT_ID", "from-foreshock-env");
    SettingsSource source = SettingsSource.layered(config, env, Map.of("kafka.sasl.mechanism", "OAUTHBEARER"));

    Map<String, String> kafka = KafkaClientProperties.collect(source, env);
    RuntimeSettings s = RuntimeSettings.from(source, kafka);

    assertThat(s.kafka()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "sasl.mechanism", "OAUTHBEARER",
        "security.protocol", "SASL_SSL",
        "ssl.truststore.location", "/etc/kafka/trust.p12",
        "client.id", "from-foreshock-env"));
    assertThat(s.partitions()).isEqualTo(12);
    assertThat(source.unknownKeys()).isEmpty();
  }

  @Test
  void shouldNameTheBadServerWhenBootstrapServersAreMalformed() {
    SettingsSource source = SettingsSource.of(Map.of("bootstrap.servers", "kafka-1:9092,kafka-2"));

    assertThatThrownBy(() -> RuntimeSettings.from(source, Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessage("bootstrap.servers = 'kafka-1:9092,kafka-2': 'kafka-2' is not host:port");
  }

  @Test
  void shouldRejectUnknownProcessingGuaranteeAndZeroReplication() {
    assertThatThrownBy(() -> RuntimeSettings.from(SettingsSource.of(Map.of("processing.guarantee", "exactly_once")),
        Map.of())).hasMessageContaining("is not exactly_once_v2 or at_least_once");
    assertThatThrownBy(() -> RuntimeSettings.from(SettingsSource.of(Map.of("topics.replication.factor", "0")),
        Map.of())).hasMessageContaining("use -1 for the broker's default");
  }

  @Test
  void shouldKeepTelemetryForeverWhenRetentionIsZero() {
    RuntimeSettings s = RuntimeSettings.from(SettingsSource.of(Map.of("topics.retention", "0")), Map.of());

    assertThat(s.retentionMs()).isEqualTo(-1L);
  }

  @Test
  void shouldAdvertiseQueryAddressAndBoundRocksDbInStreamsProperties() {
    RuntimeSettings s = RuntimeSettings.from(SettingsSource.of(Map.of(
        "bootstrap.servers", "k:9092", "query.host", "10.1.2.3", "query.port", "8181", "rocksdb.memory.mb", "32")),
        Map.of("sasl.mechanism", "PLAIN"));

    Properties props = StreamsApp.properties(s);

    assertThat(props.get("application.server")).isEqualTo("10.1.2.3:8181");
    assertThat(props.get("processing.guarantee")).isEqualTo("exactly_once_v2");
    assertThat(props.get("sasl.mechanism")).isEqualTo("PLAIN");
    assertThat(props.get("rocksdb.config.setter")).isEqualTo(BoundedMemoryRocksDbConfig.class.getName());
    assertThat(props.get(BoundedMemoryRocksDbConfig.MEMORY_BYTES_CONFIG)).isEqualTo(Long.toString(32L << 20));
  }

  @Test
  void shouldWaitForEmptyPartitionsOfJoinedTopicsTwoSecondsByDefaultAndAsSet() {
    RuntimeSettings byDefault = RuntimeSettings.from(SettingsSource.of(Map.of("bootstrap.servers", "k:9092")),
        Map.of("max.task.idle.ms", "0"));
    RuntimeSettings set = RuntimeSettings.from(SettingsSource.of(Map.of("bootstrap.servers", "k:9092",
        "streams.task-idle", "750ms")), Map.of());

    assertThat(StreamsApp.properties(byDefault).get("max.task.idle.ms")).isEqualTo(2_000L);
    assertThat(StreamsApp.properties(set).get("max.task.idle.ms")).isEqualTo(750L);
    assertThat(set.withCluster("k:9092", "http://r:8081").taskIdle()).isEqualTo(java.time.Duration.ofMillis(750));
  }
}

package dev.foreshock.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.ForeshockTopology;
import dev.foreshock.StoreNames;
import dev.foreshock.Topics;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real telemetry inputs of correlation (dependencies, connections, changes) through the whole offline pipeline. */
class CorrelationInputsTest {

  private static final Instant BASE = Instant.parse("2025-09-15T11:00:00Z");

  @TempDir Path stateDir;
  private OfflinePipeline pipeline;

  @BeforeEach
  void start() {
    pipeline = new OfflinePipeline(ForeshockSettings.defaults(),
        Clock.fixed(BASE.plus(Duration.ofDays(2)), ZoneOffset.UTC), BASE, stateDir);
  }

  @AfterEach
  void stop() {
    pipeline.close();
  }

  @Test
  void shouldLearnDependenciesFromConnectionsAndExpireThemWhenNotSeen() {
    Random random = new Random(21);
    for (int minute = 0; minute < 60; minute++) {
      for (int i = 1; i <= 5; i++) {
        pipeline.pipe(connection(BASE.plusSeconds(minute * 60L + random.nextInt(60)), "frontend-api", "fapi-" + i,
            "postgres-main"));
      }
      if (minute < 10) {
        pipeline.pipe(connection(BASE.plusSeconds(minute * 60L + random.nextInt(60)), "reports-job", "rep-1",
            "postgres-main"));
      }
    }

    assertThat(learned()).contains("frontend-api -> postgres-main", "fapi-3 -> frontend-api",
        "reports-job -> postgres-main", "rep-1 -> reports-job");

    // the fleet keeps talking for hours; reports-job stopped at minute 10 (edge TTL 6 h)
    for (int minute = 60; minute < 8 * 60; minute += 5) {
      pipeline.pipe(connection(BASE.plusSeconds(minute * 60L), "frontend-api", "fapi-1", "postgres-main"));
    }
    assertThat(learned()).contains("frontend-api -> postgres-main", "fapi-1 -> frontend-api")
        .doesNotContain("reports-job -> postgres-main", "rep-1 -> reports-job");
  }

  @Test
  void shouldKeepDeclaredDependenciesAndChangesButNotRejectedRecords() {
    pipeline.pipe(ServiceDependencies.newBuilder().setService("search-api").setDependsOn(List.of("redis-queue"))
        .setTs(BASE.toEpochMilli()).build());
    pipeline.pipeRaw(Topics.DEPENDENCIES, "chat-api", "{\"dependsOn\":[\"redis-queue\"]}".getBytes(StandardCharsets.UTF_8),
        BASE.toEpochMilli());
    pipeline.pipe(ChangeEvent.newBuilder().setTs(BASE.plusSeconds(60).toEpochMilli()).setTarget("search-api")
        .setKind("deploy").setDescription("APM agent dependency update").build());
    pipeline.pipe(ServiceDependencies.newBuilder().setService("search-api")
        .setDependsOn(List.of("redis-queue", "postgres-catalog")).setTs(BASE.plusSeconds(120).toEpochMilli()).build());

    KeyValueStore<String, DeclaredDependencies> declared = pipeline.driver().getKeyValueStore(StoreNames.DEPENDENCIES);
    assertThat(declared.get("search-api").dependsOn()).containsExactly("redis-queue", "postgres-catalog");
    assertThat(declared.get("chat-api")).isNull();
    assertThat(pipeline.drainDeadLetters()).hasSize(1);

    WindowStore<String, ChangeRecord> changes = pipeline.driver().getWindowStore(StoreNames.CHANGE_HISTORY);
    List<String> found = new ArrayList<>();
    try (WindowStoreIterator<ChangeRecord> it = changes.fetch("search-api", BASE, BASE.plusSeconds(3600))) {
      it.forEachRemaining(kv -> found.add(kv.value.format()));
    }
    assertThat(found).containsExactly("2025-09-15T11:01:00Z DEPLOY search-api: APM agent dependency update");
  }

  @Test
  void shouldNameEveryCorrelationStepExplicitly() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "names");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "offline:9092");
    String description = new ForeshockTopology(ForeshockSettings.defaults(),
        new Topics(new AvroSerdes(new InMemorySchemaRegistry())), PipelineMetrics.inMemory(),
        Clock.fixed(BASE, ZoneOffset.UTC)).build(props).describe().toString();
    assertThat(description).contains("correlate", "learn-dependencies", "correlation-edges", "correlation-changes",
        "correlation-dependencies", StoreNames.CANDIDATE_HISTORY);
    assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
  }

  private List<String> learned() {
    KeyValueStore<String, Long> store = pipeline.driver().getKeyValueStore(StoreNames.LEARNED_DEPENDENCIES);
    List<String> edges = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        edges.add(kv.key.replace('\u001f', '>').replace(">", " -> "));
      }
    }
    return edges;
  }

  private static ConnectionEvent connection(Instant ts, String service, String instance, String target) {
    return ConnectionEvent.newBuilder().setTs(ts.toEpochMilli()).setService(service).setInstance(instance)
        .setTarget(target).setEvent(ConnectionEventKind.OPENED).setReason("MAX_LIFETIME").setCount(1).build();
  }
}

package dev.foreshock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.bench.Workload;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every processor, store and repartition topic has an explicit name, so that adding a step renames
 * nothing; and the offline scope ({@link StateStores.Scope#DETECTION_ONLY}) finds the same
 * candidates without the query API's stores.
 */
class ForeshockTopologyTest {

  private static final Pattern GENERATED = Pattern.compile("KSTREAM-|KTABLE-|KSTREAM_|KTABLE_");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-09-17T02:00:00Z"), ZoneOffset.UTC);

  private final Topics topics = new Topics(new AvroSerdes(new InMemorySchemaRegistry()));
  private final PipelineMetrics metrics = PipelineMetrics.inMemory();

  @Test
  void shouldHoldNoGeneratedNameWhenWholeTopologyIsBuilt() {
    String description = new ForeshockTopology(ForeshockSettings.defaults(), topics, metrics, CLOCK)
        .build(props()).describe().toString();

    assertThat(description).contains("read-requests", "dead-letter-memory", "accept-connections",
        "candidate-signals", "signal-source", StoreNames.CANDIDATE_EPISODES);
    assertThat(GENERATED.matcher(description).find())
        .as("generated names in%n%s", description).isFalse();
  }

  @Test
  void shouldEmitSameCandidatesWithoutQueryStoresWhenScopeIsDetectionOnly(@TempDir Path dir) {
    long end = Instant.parse("2025-09-17T00:00:00Z").toEpochMilli();
    List<SpecificRecord> records = Workload.scenarios(40_000, 3, end);
    Clock clock = Clock.fixed(Instant.ofEpochMilli(end + 3_600_000L), ZoneOffset.UTC);
    // working sets far smaller than the fleet, so that evicted memory series and gap sources are
    // reloaded from their stores, which the offline scope writes only on eviction
    ForeshockSettings settings = ForeshockSettings.from(SettingsSource.of(Map.of(
        "memory.cache.entries", "2", "gaps.cache.entries", "25")));
    List<IncidentCandidate> full;
    List<IncidentCandidate> detectionOnly;
    try (OfflinePipeline pipeline = new OfflinePipeline(settings, clock, clock.instant(), dir)) {
      records.forEach(pipeline::pipe);
      full = pipeline.drainCandidates();
      assertThat(pipeline.driver().getAllStateStores()).containsKeys(QUERY_AND_RESTART_ONLY);

      // the same topology offline, in the offline scope, fed the same encoded records
      Properties props = offlineProps(dir);
      Topology topology = new ForeshockTopology(settings, pipeline.topics(), PipelineMetrics.inMemory(), clock,
          StateStores.Scope.DETECTION_ONLY).asOneTask().build(props);
      try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, clock.instant())) {
        assertThat(driver.getAllStateStores()).doesNotContainKeys(QUERY_AND_RESTART_ONLY)
            .containsKeys(StoreNames.MEMORY_SERIES, StoreNames.GAP_SOURCES, StoreNames.CANDIDATE_EPISODES);
        Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
        for (SpecificRecord r : records) {
          OfflinePipeline.Encoded e = pipeline.encode(r);
          inputs.computeIfAbsent(e.topic(), t -> driver.createInputTopic(t, new ByteArraySerializer(),
              new ByteArraySerializer())).pipeInput(new TestRecord<>(e.key(), e.value(), Instant.ofEpochMilli(e.timestamp())));
        }
        detectionOnly = driver.createOutputTopic(Topics.CANDIDATES, new StringDeserializer(),
            pipeline.topics().candidates().valueSerde().deserializer()).readValuesToList();
      }
    }
    assertThat(full).extracting(c -> c.getType().toString())
        .contains("CONNECTION_BURST", "ERROR_RATE_SPIKE", "MEMORY_RAPID_RISE", "TELEMETRY_GAP", "INCIDENT");
    assertThat(detectionOnly).isEqualTo(full);
  }

  /** The stores that only the query API or a restart reads. */
  private static final String[] QUERY_AND_RESTART_ONLY = {StoreNames.ERROR_WINDOWS, StoreNames.ERROR_BASELINES,
      StoreNames.MEMORY_WINDOWS, StoreNames.MEMORY_TRENDS, StoreNames.CONNECTION_WINDOWS,
      StoreNames.CONNECTION_PATTERNS, StoreNames.CONNECTION_DETECTOR_STATE};

  /** As the offline pipeline's: in-memory stores, no record cache. */
  private static Properties offlineProps(Path dir) {
    Properties props = props();
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("detection-only").toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
    return props;
  }

  private static Properties props() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "foreshock-naming");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
    return props;
  }
}

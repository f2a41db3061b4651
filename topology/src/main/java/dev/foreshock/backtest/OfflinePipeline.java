package dev.foreshock.backtest;

import dev.foreshock.ForeshockTopology;
import dev.foreshock.StateStores;
import dev.foreshock.Topics;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology run offline in {@link TopologyTestDriver}: records go in as a producer would
 * send them (Avro in the Confluent wire format, keyed as the contract says, timestamped with their
 * {@code ts}), candidates come out of the candidates topic. Used by {@code backtest} and by the
 * detectors' tests.
 */
public final class OfflinePipeline implements AutoCloseable {

  private static final String APPLICATION_ID = "foreshock-offline";

  private final TopologyTestDriver driver;
  private final Input<ConnectionEvent> connections;
  private final Input<MemorySample> memory;
  private final Input<RequestStats> requests;
  private final Input<ChangeEvent> changes;
  private final Input<ServiceDependencies> dependencies;
  private final TestOutputTopic<String, IncidentCandidate> candidates;
  private final TestOutputTopic<byte[], byte[]> deadLetters;
  private final Topics topics;
  private final PipelineMetrics metrics;
  private final StringSerializer keySerializer = new StringSerializer();
  private final DirectInput direct;
  private final Map<String, TestInputTopic<byte[], byte[]>> rawInputs = new HashMap<>();

  /**
   * @param clock the wall clock that ingest judges future timestamps by
   * @param wallClockStart the driver's initial wall-clock time (for wall-clock punctuation)
   * @param stateDir where the driver's state stores live
   */
  public OfflinePipeline(ForeshockSettings settings, Clock clock, Instant wallClockStart, Path stateDir) {
    this(settings, clock, wallClockStart, stateDir, true);
  }

  /**
   * As {@link #OfflinePipeline(ForeshockSettings, Clock, Instant, Path)}, with streams properties
   * that override the offline ones (the memory soak runs with the runtime's RocksDB settings).
   */
  public OfflinePipeline(ForeshockSettings settings, Clock clock, Instant wallClockStart, Path stateDir,
      Map<String, ?> streamsOverrides) {
    this(settings, clock, wallClockStart, stateDir, true, streamsOverrides);
  }

  /** @param direct whether records may go straight into the driver's task ({@link DirectInput}) */
  OfflinePipeline(ForeshockSettings settings, Clock clock, Instant wallClockStart, Path stateDir, boolean direct) {
    this(settings, clock, wallClockStart, stateDir, direct, Map.of(), new InMemorySchemaRegistry(),
        StateStores.Scope.QUERY_AND_RESTART);
  }

  /**
   * One of several pipelines that share {@code registry}, so that a record encoded by one reads in
   * every other (a {@link ShardedPipeline}'s shards), keeping only the state {@code scope} needs.
   */
  OfflinePipeline(ForeshockSettings settings, Clock clock, Instant wallClockStart, Path stateDir,
      InMemorySchemaRegistry registry, StateStores.Scope scope) {
    this(settings, clock, wallClockStart, stateDir, true, Map.of(), registry, scope);
  }

  private OfflinePipeline(ForeshockSettings settings, Clock clock, Instant wallClockStart, Path stateDir,
      boolean direct, Map<String, ?> streamsOverrides) {
    this(settings, clock, wallClockStart, stateDir, direct, streamsOverrides, new InMemorySchemaRegistry(),
        StateStores.Scope.QUERY_AND_RESTART);
  }

  private OfflinePipeline(ForeshockSettings settings, Clock clock, Instant wallClockStart, Path stateDir,
      boolean direct, Map<String, ?> streamsOverrides, InMemorySchemaRegistry registry, StateStores.Scope scope) {
    this.topics = new Topics(new AvroSerdes(registry));
    this.metrics = PipelineMetrics.inMemory();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "offline:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(UUID.randomUUID().toString()).toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // Records arrive one at a time, in the order given: there is never anything to wait for, and
    // with idling enabled the driver formats a log message for every empty partition of every record.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    // The driver commits after every record, which flushes the caches: no cache is the same
    // output without the cost (and what DirectInput relies on).
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    // Offline state lives as long as the run: DSL stores in memory are 2-4 times cheaper per
    // access than RocksDB in the driver. (Stores a detector builds itself keep their own type.)
    props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
    props.putAll(streamsOverrides);
    this.driver = new TopologyTestDriver(
        new ForeshockTopology(settings, topics, metrics, clock, scope).asOneTask().build(props), props, wallClockStart);
    this.connections = new Input<>(Topics.CONNECTIONS, topics.connections().valueSerde().serializer());
    this.memory = new Input<>(Topics.MEMORY, topics.memory().valueSerde().serializer());
    this.requests = new Input<>(Topics.REQUESTS, topics.requests().valueSerde().serializer());
    this.changes = new Input<>(Topics.CHANGES, topics.changes().valueSerde().serializer());
    this.dependencies = new Input<>(Topics.DEPENDENCIES, topics.dependencies().valueSerde().serializer());
    this.candidates = driver.createOutputTopic(Topics.CANDIDATES, Serdes.String().deserializer(),
        topics.candidates().valueSerde().deserializer());
    this.deadLetters = driver.createOutputTopic(Topics.DLQ, Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer());
    this.direct = direct ? DirectInput.attach(driver, APPLICATION_ID).orElse(null) : null;
  }

  /** Sends one telemetry record to its topic, keyed and timestamped as the contract says. */
  public void pipe(SpecificRecord record) {
    pipe(encode(record));
  }

  /**
   * A telemetry record serialized as a producer would send it: its topic, key and value bytes
   * (Confluent wire format) and timestamp ({@code ts}).
   */
  public record Encoded(String topic, byte[] key, byte[] value, long timestamp) {}

  /**
   * Serializes a record for {@link #pipe(Encoded)}; safe to call from another thread than the one
   * that pipes (a backtest reads and encodes ahead on a thread of its own).
   */
  public Encoded encode(SpecificRecord record) {
    if (record instanceof ConnectionEvent e) {
      return connections.encode(e.getTarget(), e, e.getTs());
    } else if (record instanceof MemorySample m) {
      return memory.encode(m.getResource(), m, m.getTs());
    } else if (record instanceof RequestStats r) {
      return requests.encode(r.getService(), r, r.getTs());
    } else if (record instanceof ChangeEvent c) {
      return changes.encode(c.getTarget(), c, c.getTs());
    } else if (record instanceof ServiceDependencies d) {
      return dependencies.encode(d.getService(), d, d.getTs() == null ? 0L : d.getTs());
    }
    throw new IllegalArgumentException("not a telemetry record: " + record.getSchema().getFullName());
  }

  /** Sends an encoded record to its topic. */
  public void pipe(Encoded record) {
    if (direct == null || !direct.pipe(record.topic(), record.key(), record.value(), record.timestamp())) {
      rawInput(record.topic()).pipeInput(new TestRecord<>(record.key(), record.value(),
          Instant.ofEpochMilli(record.timestamp())));
    }
  }

  /** One telemetry topic and the serializer of its values. */
  private final class Input<T> {
    private final String topic;
    private final Serializer<T> serializer;

    Input(String topic, Serializer<T> serializer) {
      this.topic = topic;
      this.serializer = serializer;
    }

    Encoded encode(String key, T value, long ts) {
      return new Encoded(topic, keySerializer.serialize(topic, key), serializer.serialize(topic, value), ts);
    }
  }

  /**
   * Hands every record the topology writes to a repartition topic to {@code sink} instead of
   * processing it here: the shards of a {@link ShardedPipeline} send them to the one pipeline that
   * correlates. Only with a direct input; false (nothing changed) without one.
   */
  boolean redirectRepartitions(Consumer<ProducerRecord<byte[], byte[]>> sink) {
    if (direct == null) {
      return false;
    }
    direct.redirectRepartitions(sink);
    return true;
  }

  /** Processes a record another pipeline wrote to a repartition topic (see {@link #redirectRepartitions}). */
  void pipeRepartition(ProducerRecord<byte[], byte[]> record) {
    if (!direct.pipe(record.topic(), record.key(), record.value(), record.timestamp(), record.headers())) {
      throw new IllegalArgumentException("not a repartition topic of the topology: " + record.topic());
    }
  }

  /** Sends raw bytes to a telemetry topic, as a broken or foreign producer might. */
  public void pipeRaw(String topic, String key, byte[] value, long timestamp) {
    pipe(new Encoded(topic, keySerializer.serialize(topic, key), value, timestamp));
  }

  private TestInputTopic<byte[], byte[]> rawInput(String topic) {
    return rawInputs.computeIfAbsent(topic, t -> driver.createInputTopic(t, Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer()));
  }

  /** The candidates written since the last call, in order. */
  public List<IncidentCandidate> drainCandidates() {
    // Reading a topic nothing was written to yet makes the driver log a warning: don't.
    return driver.producedTopicNames().contains(Topics.CANDIDATES) ? candidates.readValuesToList() : List.of();
  }

  /** The dead letters written since the last call, in order, with their headers. */
  public List<TestRecord<byte[], byte[]>> drainDeadLetters() {
    return driver.producedTopicNames().contains(Topics.DLQ) ? deadLetters.readRecordsToList() : List.of();
  }

  /** Moves the driver's wall clock, firing wall-clock punctuators. */
  public void advanceWallClock(java.time.Duration duration) {
    driver.advanceWallClockTime(duration);
  }

  public TopologyTestDriver driver() {
    return driver;
  }

  public Topics topics() {
    return topics;
  }

  /** Whether records go straight into the driver's task (see {@link DirectInput}). */
  boolean isDirect() {
    return direct != null;
  }

  public PipelineMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    driver.close();
  }
}

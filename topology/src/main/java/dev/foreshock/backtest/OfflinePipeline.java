package dev.foreshock.backtest;

import dev.foreshock.ForeshockTopology;
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
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology run offline in {@link TopologyTestDriver}: records go in as a producer would
 * send them (Avro in the Confluent wire format, keyed as the contract says, timestamped with their
 * {@code ts}), candidates come out of the candidates topic. Used by {@code backtest} and by the
 * detectors' tests.
 */
public final class OfflinePipeline implements AutoCloseable {

  private final TopologyTestDriver driver;
  private final TestInputTopic<String, ConnectionEvent> connections;
  private final TestInputTopic<String, MemorySample> memory;
  private final TestInputTopic<String, RequestStats> requests;
  private final TestInputTopic<String, ChangeEvent> changes;
  private final TestInputTopic<String, ServiceDependencies> dependencies;
  private final TestOutputTopic<String, IncidentCandidate> candidates;
  private final TestOutputTopic<byte[], byte[]> deadLetters;
  private final Topics topics;
  private final PipelineMetrics metrics;

  /**
   * @param clock the wall clock that ingest judges future timestamps by
   * @param wallClockStart the driver's initial wall-clock time (for wall-clock punctuation)
   * @param stateDir where the driver's state stores live
   */
  public OfflinePipeline(ForeshockSettings settings, Clock clock, Instant wallClockStart, Path stateDir) {
    this.topics = new Topics(new AvroSerdes(new InMemorySchemaRegistry()));
    this.metrics = PipelineMetrics.inMemory();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "foreshock-offline");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "offline:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(UUID.randomUUID().toString()).toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // Records arrive one at a time, in the order given: there is never anything to wait for, and
    // with idling enabled the driver formats a log message for every empty partition of every record.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    this.driver = new TopologyTestDriver(
        new ForeshockTopology(settings, topics, metrics, clock).build(props), props, wallClockStart);
    StringSerializer keys = new StringSerializer();
    this.connections = driver.createInputTopic(Topics.CONNECTIONS, keys, topics.connections().valueSerde().serializer());
    this.memory = driver.createInputTopic(Topics.MEMORY, keys, topics.memory().valueSerde().serializer());
    this.requests = driver.createInputTopic(Topics.REQUESTS, keys, topics.requests().valueSerde().serializer());
    this.changes = driver.createInputTopic(Topics.CHANGES, keys, topics.changes().valueSerde().serializer());
    this.dependencies = driver.createInputTopic(Topics.DEPENDENCIES, keys,
        topics.dependencies().valueSerde().serializer());
    this.candidates = driver.createOutputTopic(Topics.CANDIDATES, Serdes.String().deserializer(),
        topics.candidates().valueSerde().deserializer());
    this.deadLetters = driver.createOutputTopic(Topics.DLQ, Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer());
  }

  /** Sends one telemetry record to its topic, keyed and timestamped as the contract says. */
  public void pipe(SpecificRecord record) {
    if (record instanceof ConnectionEvent e) {
      connections.pipeInput(e.getTarget(), e, e.getTs());
    } else if (record instanceof MemorySample m) {
      memory.pipeInput(m.getResource(), m, m.getTs());
    } else if (record instanceof RequestStats r) {
      requests.pipeInput(r.getService(), r, r.getTs());
    } else if (record instanceof ChangeEvent c) {
      changes.pipeInput(c.getTarget(), c, c.getTs());
    } else if (record instanceof ServiceDependencies d) {
      dependencies.pipeInput(d.getService(), d, d.getTs() == null ? 0L : d.getTs());
    } else {
      throw new IllegalArgumentException("not a telemetry record: " + record.getSchema().getFullName());
    }
  }

  /** Sends raw bytes to a telemetry topic, as a broken or foreign producer might. */
  public void pipeRaw(String topic, String key, byte[] value, long timestamp) {
    driver.createInputTopic(topic, new StringSerializer(), Serdes.ByteArray().serializer())
        .pipeInput(new TestRecord<>(key, value, Instant.ofEpochMilli(timestamp)));
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

  public PipelineMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    driver.close();
  }
}

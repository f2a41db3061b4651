package dev.foreshock.correlate;

import dev.foreshock.StoreNames;
import dev.foreshock.Topics;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.detect.Signals;
import dev.foreshock.ingest.Ingest;
import dev.foreshock.ingest.IngestSettings;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.json.JsonSerde;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The real ingest and the real correlation stage in a TopologyTestDriver, with one test-only
 * source: a topic of {@link CandidateSignal}s standing in for the detectors (which are written
 * elsewhere). Telemetry (changes, dependencies, connections) goes in through ingest as Avro.
 */
final class CorrelationHarness implements AutoCloseable {

  static final String SIGNALS = "test.candidate-signals";

  private final TopologyTestDriver driver;
  private final TestInputTopic<String, CandidateSignal> signals;
  private final TestInputTopic<String, ChangeEvent> changes;
  private final TestInputTopic<String, ConnectionEvent> connections;
  private final TestInputTopic<String, ServiceDependencies> dependencies;
  private final TestOutputTopic<String, IncidentCandidate> candidates;
  private final Topology topology;

  CorrelationHarness(CorrelationSettings settings, Instant clockAt, Path stateDir) {
    Topics topics = new Topics(new AvroSerdes(new InMemorySchemaRegistry()));
    StreamsBuilder builder = new StreamsBuilder();
    Telemetry telemetry = new Ingest(IngestSettings.defaults(), topics, PipelineMetrics.inMemory(),
        Clock.fixed(clockAt, ZoneOffset.UTC)).addTo(builder);
    Signals all = new Signals();
    all.add(builder.stream(SIGNALS, Consumed.with(Serdes.String(), new JsonSerde<>(CandidateSignal.class))
        .withName("read-test-signals")));
    new Correlation(settings, topics, PipelineMetrics.inMemory()).addTo(builder, telemetry, all);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "correlation-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "offline:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(UUID.randomUUID().toString()).toString());
    props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
    topology = builder.build(props);
    driver = new TopologyTestDriver(topology, props, Instant.EPOCH);
    StringSerializer keys = new StringSerializer();
    signals = driver.createInputTopic(SIGNALS, keys, new JsonSerde<>(CandidateSignal.class).serializer());
    changes = driver.createInputTopic(Topics.CHANGES, keys, topics.changes().valueSerde().serializer());
    connections = driver.createInputTopic(Topics.CONNECTIONS, keys, topics.connections().valueSerde().serializer());
    dependencies = driver.createInputTopic(Topics.DEPENDENCIES, keys, topics.dependencies().valueSerde().serializer());
    candidates = driver.createOutputTopic(Topics.CANDIDATES, Serdes.String().deserializer(),
        topics.candidates().valueSerde().deserializer());
  }

  void signal(CandidateSignal s) {
    signals.pipeInput(s.subject(), s, s.ts());
  }

  void change(Instant ts, String target, String kind, String description) {
    changes.pipeInput(target, ChangeEvent.newBuilder().setTs(ts.toEpochMilli()).setTarget(target).setKind(kind)
        .setDescription(description).build(), ts.toEpochMilli());
  }

  void declare(Instant ts, String service, String... dependsOn) {
    dependencies.pipeInput(service, ServiceDependencies.newBuilder().setService(service)
        .setDependsOn(List.of(dependsOn)).setTs(ts.toEpochMilli()).build(), ts.toEpochMilli());
  }

  void connection(Instant ts, String service, String instance, String target, ConnectionEventKind kind) {
    connections.pipeInput(target, ConnectionEvent.newBuilder().setTs(ts.toEpochMilli()).setService(service)
        .setInstance(instance).setTarget(target).setEvent(kind).setReason(null).setCount(1).build(),
        ts.toEpochMilli());
  }

  List<IncidentCandidate> drain() {
    return candidates.readValuesToList();
  }

  KeyValueStore<String, CandidateHistory> history() {
    return driver.getKeyValueStore(StoreNames.CANDIDATE_HISTORY);
  }

  Topology topology() {
    return topology;
  }

  @Override
  public void close() {
    driver.close();
  }
}

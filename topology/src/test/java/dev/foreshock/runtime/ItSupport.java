package dev.foreshock.runtime;

import dev.foreshock.Topics;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import dev.foreshock.serde.WireFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Shared by the integration tests: schemas, settings, raw producing, reading the output topics. */
final class ItSupport {

  private ItSupport() {}

  /**
   * Registers the contract's schemas in a fixed order, so that two JVMs with their own in-memory
   * registries agree on every id (the parent produces, a child process runs the streams app).
   */
  static InMemorySchemaRegistry contractRegistry() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    registry.register(WireFormat.subject(Topics.CONNECTIONS, false), SpecificData.get().getSchema(ConnectionEvent.class));
    registry.register(WireFormat.subject(Topics.MEMORY, false), SpecificData.get().getSchema(MemorySample.class));
    registry.register(WireFormat.subject(Topics.REQUESTS, false), SpecificData.get().getSchema(RequestStats.class));
    registry.register(WireFormat.subject(Topics.CHANGES, false), SpecificData.get().getSchema(ChangeEvent.class));
    registry.register(WireFormat.subject(Topics.DEPENDENCIES, false),
        SpecificData.get().getSchema(ServiceDependencies.class));
    registry.register(WireFormat.subject(Topics.CANDIDATES, false), SpecificData.get().getSchema(IncidentCandidate.class));
    return registry;
  }

  /** Runtime settings for a test: its own application id and state dir, quick failure detection. */
  static RuntimeSettings settings(String bootstrap, String applicationId, Path stateDir, String guarantee) {
    return settings(bootstrap, applicationId, stateDir, guarantee, Map.of());
  }

  /** As above, with more settings (e.g. {@code streams.task-idle}) over the test's. */
  static RuntimeSettings settings(String bootstrap, String applicationId, Path stateDir, String guarantee,
      Map<String, String> more) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", bootstrap);
    values.put("application.id", applicationId);
    values.put("data.dir", stateDir.toString());
    values.put("state.dir", stateDir.toString());
    values.put("processing.guarantee", guarantee);
    values.put("topics.partitions", "2");
    values.put("rocksdb.memory.mb", "16");
    values.put("shutdown.timeout", "20s");
    values.putAll(more);
    Map<String, String> kafka = Map.of(
        "session.timeout.ms", "6000",
        "heartbeat.interval.ms", "1500",
        "reconnect.backoff.max.ms", "1000",
        "retry.backoff.max.ms", "1000");
    return RuntimeSettings.from(SettingsSource.of(values), kafka);
  }

  static void createTopics(String bootstrap, int partitions) {
    try (Admin admin = admin(bootstrap)) {
      new TopicAdmin(admin, partitions, 1, -1).ensureTopics();
    }
    Set<String> all = new java.util.TreeSet<>(Topics.TELEMETRY);
    all.add(Topics.DLQ);
    all.add(Topics.CANDIDATES);
    dev.foreshock.embedded.EmbeddedKafka.awaitTopicsReady(bootstrap, all, Duration.ofSeconds(30));
  }

  static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  static KafkaProducer<String, byte[]> rawProducer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
  }

  /** Where a record landed. */
  record Position(String topic, int partition, long offset) {}

  static Position send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value, long ts) {
    try {
      RecordMetadata m = producer.send(new ProducerRecord<>(topic, null, ts, key, value)).get(30, TimeUnit.SECONDS);
      return new Position(m.topic(), m.partition(), m.offset());
    } catch (Exception e) {
      throw new IllegalStateException("cannot send to " + topic + ": " + e.getMessage(), e);
    }
  }

  /** Serializes a telemetry record as a producer with {@code serdes} would. */
  @SuppressWarnings("unchecked")
  static byte[] avro(AvroSerdes serdes, String topic, org.apache.avro.specific.SpecificRecord record) {
    Class<org.apache.avro.specific.SpecificRecord> type = (Class<org.apache.avro.specific.SpecificRecord>) record.getClass();
    return serdes.valueSerde(type).serializer().serialize(topic, record);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Everything on {@code topic} so far, as a {@code read_committed} consumer sees it. */
  static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // read_committed: the end offsets are the last stable offsets
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * True when the application's group has committed, on every partition of {@code topics}, the
   * end offset: every record there was processed.
   */
  static boolean consumedEverything(String bootstrap, String applicationId, List<String> topics) {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> request = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS)
          .values().stream()
          .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
          .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResultInfo> end = admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
      return end.entrySet().stream().allMatch(e -> {
        OffsetAndMetadata c = committed.get(e.getKey());
        long endOffset = e.getValue().offset();
        return endOffset == 0 || (c != null && c.offset() == endOffset);
      });
    } catch (Exception e) {
      return false;
    }
  }

  /** The rapid-rise seed incident (report 000): memory rise on redis-queue, error spikes on its dependants. */
  static dev.foreshock.simulate.SimulatedScenario rapidRise() {
    return dev.foreshock.simulate.Scenarios.generate("rapid-rise", 7);
  }

  /** What the same topology emits for {@code scenario} offline: the reference for a broker run. */
  static List<IncidentCandidate> offlineCandidates(dev.foreshock.simulate.SimulatedScenario scenario, Path stateDir) {
    try (dev.foreshock.backtest.OfflinePipeline pipeline = new dev.foreshock.backtest.OfflinePipeline(
        dev.foreshock.config.ForeshockSettings.defaults(),
        java.time.Clock.fixed(java.time.Instant.ofEpochMilli(scenario.endMs()).plusSeconds(3600), java.time.ZoneOffset.UTC),
        java.time.Instant.ofEpochMilli(scenario.startMs()), stateDir)) {
      scenario.records().forEach(pipeline::pipe);
      return pipeline.drainCandidates();
    }
  }

  /** The candidates on the candidates topic, as a {@code read_committed} consumer sees them. */
  static List<IncidentCandidate> candidates(String bootstrap, AvroSerdes serdes) {
    org.apache.kafka.common.serialization.Deserializer<IncidentCandidate> d =
        serdes.valueSerde(IncidentCandidate.class).deserializer();
    return readCommitted(bootstrap, Topics.CANDIDATES).stream().map(r -> d.deserialize(Topics.CANDIDATES, r.value()))
        .toList();
  }

  /** One line per candidate a person would tell apart: type, subject, status, severity, time. */
  static String describe(IncidentCandidate c) {
    return c.getType() + " " + c.getSubject() + " " + c.getStatus() + " " + c.getSeverity() + " @" + c.getTs();
  }

  /** The (type, subject) of every OPEN candidate, with repeats: each must appear once. */
  static List<String> opened(List<IncidentCandidate> candidates) {
    return candidates.stream().filter(c -> c.getStatus() == dev.foreshock.avro.CandidateStatus.OPEN)
        .map(c -> c.getType() + " " + c.getSubject()).sorted().toList();
  }
}

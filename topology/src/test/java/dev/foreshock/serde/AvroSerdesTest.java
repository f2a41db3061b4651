package dev.foreshock.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.avro.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AvroSerdesTest {

  private static final long BASE = Instant.parse("2025-09-17T01:00:00Z").toEpochMilli();

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerdes serdes = new AvroSerdes(registry);

  @Test
  void shouldRoundTripEveryContractRecord() {
    Random random = new Random(20250917);
    for (int i = 0; i < 200; i++) {
      roundTrip("telemetry.connections", ConnectionEvent.class, connectionEvent(random));
      roundTrip("telemetry.memory", MemorySample.class, memorySample(random));
      roundTrip("telemetry.requests", RequestStats.class, requestStats(random));
      roundTrip("telemetry.changes", ChangeEvent.class, changeEvent(random));
      roundTrip("telemetry.dependencies", ServiceDependencies.class, dependencies(random));
      roundTrip("foreshock.incident-candidates", IncidentCandidate.class, candidate(random));
    }
    assertThat(registry.subjects()).containsExactly("telemetry.connections-value", "telemetry.memory-value",
        "telemetry.requests-value", "telemetry.changes-value", "telemetry.dependencies-value",
        "foreshock.incident-candidates-value");
    assertThat(registry.versions("telemetry.memory-value")).hasSize(1);
  }

  @Test
  void shouldRoundTripNullAsNull() {
    Serde<MemorySample> serde = serdes.valueSerde(MemorySample.class);
    assertThat(serde.serializer().serialize("telemetry.memory", null)).isNull();
    assertThat(serde.deserializer().deserialize("telemetry.memory", null)).isNull();
  }

  @Test
  void shouldWriteMagicByteBigEndianIdAndPlainAvroBinary() throws IOException {
    int id = 0x0A0B0C0D;
    SchemaRegistry fixedId = new SchemaRegistry() {
      @Override
      public int register(String subject, Schema schema) {
        assertThat(subject).isEqualTo("telemetry.memory-value");
        return id;
      }

      @Override
      public Schema schemaById(int requested) {
        assertThat(requested).isEqualTo(id);
        return MemorySample.getClassSchema();
      }
    };
    MemorySample sample = MemorySample.newBuilder().setTs(BASE).setResource("redis-queue").setHost("redis-1")
        .setUsedBytes(1_288_490_188L).setMaxBytes(3_221_225_472L).build();

    byte[] bytes = new AvroSerdes(fixedId).valueSerde(MemorySample.class).serializer().serialize("telemetry.memory", sample);

    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    BinaryEncoder e = EncoderFactory.get().binaryEncoder(payload, null);
    e.writeLong(BASE);
    e.writeString("redis-queue");
    e.writeIndex(1);
    e.writeString("redis-1");
    e.writeLong(1_288_490_188L);
    e.writeIndex(1);
    e.writeLong(3_221_225_472L);
    e.flush();
    byte[] expected = ByteBuffer.allocate(5 + payload.size()).put((byte) 0).putInt(id).put(payload.toByteArray()).array();
    assertThat(bytes).startsWith(0x00, 0x0A, 0x0B, 0x0C, 0x0D);
    assertThat(bytes).isEqualTo(expected);
    assertThat(new AvroSerdes(fixedId).valueSerde(MemorySample.class).deserializer().deserialize("telemetry.memory", expected))
        .isEqualTo(sample);
  }

  @Test
  void shouldRegisterKeysUnderTheKeySubject() {
    ChangeEvent key = ChangeEvent.newBuilder().setTs(BASE).setTarget("search-api").setKind("DEPLOY")
        .setDescription("rollout 42").build();
    byte[] bytes = serdes.keySerde(ChangeEvent.class).serializer().serialize("telemetry.changes", key);

    assertThat(registry.subjects()).containsExactly("telemetry.changes-key");
    assertThat(serdes.keySerde(ChangeEvent.class).deserializer().deserialize("telemetry.changes", bytes)).isEqualTo(key);
  }

  @Test
  void shouldReadAMemorySampleWrittenWithTheOlderSchemaWithoutHostAndMaxBytes() throws IOException {
    Schema v1 = SchemaBuilder.record("MemorySample").namespace("dev.foreshock.avro").fields()
        .requiredLong("ts").requiredString("resource").requiredLong("usedBytes").endRecord();
    GenericRecord old = new GenericData.Record(v1);
    old.put("ts", BASE + 10_000);
    old.put("resource", "redis-queue");
    old.put("usedBytes", 734_003_200L);
    int id = registry.register("telemetry.memory-value", v1);

    MemorySample read = serdes.valueSerde(MemorySample.class).deserializer()
        .deserialize("telemetry.memory", wire(id, v1, old));

    assertThat(read).isEqualTo(MemorySample.newBuilder().setTs(BASE + 10_000).setResource("redis-queue")
        .setHost(null).setUsedBytes(734_003_200L).setMaxBytes(null).build());
  }

  @Test
  void shouldReadAConnectionEventWrittenWithoutCountAsOneEvent() throws IOException {
    Schema v1 = SchemaBuilder.record("ConnectionEvent").namespace("dev.foreshock.avro").fields()
        .requiredLong("ts").requiredString("service").requiredString("instance").requiredString("target")
        .name("event").type(ConnectionEventKind.getClassSchema()).noDefault()
        .name("reason").type().optional().stringType()
        .endRecord();
    GenericRecord old = new GenericData.Record(v1);
    old.put("ts", BASE);
    old.put("service", "frontend-api");
    old.put("instance", "fapi-7");
    old.put("target", "postgres-main");
    old.put("event", new GenericData.EnumSymbol(ConnectionEventKind.getClassSchema(), "OPENED"));
    old.put("reason", "MAX_LIFETIME");
    int id = registry.register("telemetry.connections-value", v1);

    ConnectionEvent read = serdes.valueSerde(ConnectionEvent.class).deserializer()
        .deserialize("telemetry.connections", wire(id, v1, old));

    assertThat(read.getCount()).isEqualTo(1);
    assertThat(read.getEvent()).isEqualTo(ConnectionEventKind.OPENED);
    assertThat(read.getReason()).isEqualTo("MAX_LIFETIME");
    assertThat(read.getInstance()).isEqualTo("fapi-7");
  }

  @Test
  void shouldReadANewerWriterSchemaWithExtraFieldsIntoTheCurrentClass() throws IOException {
    Schema v3 = SchemaBuilder.record("RequestStats").namespace("dev.foreshock.avro").fields()
        .requiredLong("ts").requiredString("service").requiredString("region")
        .requiredString("instance").requiredLong("intervalMs").requiredLong("requests")
        .name("latencyMs").type().map().values().doubleType().noDefault()
        .requiredLong("errors").optionalLong("timeouts")
        .endRecord();
    GenericRecord newer = new GenericData.Record(v3);
    newer.put("ts", BASE + 10_000);
    newer.put("service", "search-api");
    newer.put("region", "eu-west-1");
    newer.put("instance", "search-3");
    newer.put("intervalMs", 10_000L);
    newer.put("requests", 1200L);
    newer.put("latencyMs", Map.of("p50", 12.5, "p99", 310.0));
    newer.put("errors", 3L);
    newer.put("timeouts", 2L);
    int id = registry.register("telemetry.requests-value", v3);

    RequestStats read = serdes.valueSerde(RequestStats.class).deserializer()
        .deserialize("telemetry.requests", wire(id, v3, newer));

    assertThat(read).isEqualTo(RequestStats.newBuilder().setTs(BASE + 10_000).setService("search-api")
        .setInstance("search-3").setIntervalMs(10_000).setRequests(1200).setErrors(3).build());
  }

  @Test
  void shouldSayWhichFieldIsMissingWhenTheWriterSchemaCannotBeRead() throws IOException {
    Schema noUsedBytes = SchemaBuilder.record("MemorySample").namespace("dev.foreshock.avro").fields()
        .requiredLong("ts").requiredString("resource").endRecord();
    GenericRecord r = new GenericData.Record(noUsedBytes);
    r.put("ts", BASE);
    r.put("resource", "redis-queue");
    int id = registry.register("telemetry.memory-value", noUsedBytes);
    byte[] bytes = wire(id, noUsedBytes, r);

    assertThatThrownBy(() -> serdes.valueSerde(MemorySample.class).deserializer().deserialize("telemetry.memory", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessage("cannot read MemorySample with schema id " + id + ": writer schema dev.foreshock.avro.MemorySample"
            + " is incompatible: the writer lacks field usedBytes, which has no default (at /fields/3)");
  }

  @Test
  void shouldReadKnownSymbolsAndRejectOnlyTheUnknownOneWhenAProducerHasANewerEnum() throws IOException {
    Schema kinds = SchemaBuilder.enumeration("ConnectionEventKind").namespace("dev.foreshock.avro")
        .symbols("OPENED", "CLOSED", "ACQUIRE_FAILED", "LEAKED");
    Schema v2 = SchemaBuilder.record("ConnectionEvent").namespace("dev.foreshock.avro").fields()
        .requiredLong("ts").requiredString("service").requiredString("instance").requiredString("target")
        .name("event").type(kinds).noDefault().endRecord();
    GenericRecord r = new GenericData.Record(v2);
    r.put("ts", BASE);
    r.put("service", "frontend-api");
    r.put("instance", "fapi-2");
    r.put("target", "postgres-main");
    r.put("event", new GenericData.EnumSymbol(kinds, "CLOSED"));
    int id = registry.register("telemetry.connections-value", v2);
    var deserializer = serdes.valueSerde(ConnectionEvent.class).deserializer();

    ConnectionEvent closed = deserializer.deserialize("telemetry.connections", wire(id, v2, r));
    r.put("event", new GenericData.EnumSymbol(kinds, "LEAKED"));
    byte[] leaked = wire(id, v2, r);

    assertThat(closed.getEvent()).isEqualTo(ConnectionEventKind.CLOSED);
    assertThat(closed.getCount()).isEqualTo(1);
    assertThatThrownBy(() -> deserializer.deserialize("telemetry.connections", leaked))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("cannot read ConnectionEvent with schema id " + id + ": ")
        .hasMessageContaining("LEAKED");
  }

  @Test
  void shouldNameAnUnknownSchemaId() {
    byte[] bytes = {0, 0, 0, 0, 42, 2, 4};

    assertThatThrownBy(() -> serdes.valueSerde(RequestStats.class).deserializer().deserialize("telemetry.requests", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessage("cannot read RequestStats with schema id 42: unknown schema id 42");
  }

  @Test
  void shouldReadARecordWhoseIdWasUnknownOnceItIsRegistered() {
    ChangeEvent change = ChangeEvent.newBuilder().setTs(BASE).setTarget("redis-queue").setKind("UPGRADE")
        .setDescription("redis 7.2").build();
    InMemorySchemaRegistry producerSide = new InMemorySchemaRegistry();
    byte[] bytes = new AvroSerdes(producerSide).valueSerde(ChangeEvent.class).serializer().serialize("telemetry.changes", change);
    var deserializer = serdes.valueSerde(ChangeEvent.class).deserializer();
    assertThatThrownBy(() -> deserializer.deserialize("telemetry.changes", bytes)).hasMessageContaining("unknown schema id 1");

    registry.register("telemetry.changes-value", ChangeEvent.getClassSchema());

    assertThat(deserializer.deserialize("telemetry.changes", bytes)).isEqualTo(change);
  }

  @Test
  void shouldRejectGarbageShortAndTruncatedBytesWithTheirReason() {
    RequestStats stats = RequestStats.newBuilder().setTs(BASE).setService("search-api").setInstance("search-3")
        .setIntervalMs(10_000).setRequests(1200).setErrors(3).build();
    Serde<RequestStats> serde = serdes.valueSerde(RequestStats.class);
    byte[] good = serde.serializer().serialize("telemetry.requests", stats);
    var deserializer = serde.deserializer();

    assertThatThrownBy(() -> deserializer.deserialize("telemetry.requests", "{\"ts\":1}".getBytes()))
        .isInstanceOf(SerializationException.class)
        .hasMessage("not the Confluent Avro wire format: magic byte is 0x7b, expected 0x00");
    assertThatThrownBy(() -> deserializer.deserialize("telemetry.requests", new byte[] {0, 0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessage("not the Confluent Avro wire format: 3 bytes, shorter than the 5-byte header (magic byte and schema id)");
    assertThatThrownBy(() -> deserializer.deserialize("telemetry.requests", new byte[0]))
        .hasMessageContaining("0 bytes, shorter than the 5-byte header");
    byte[] truncated = Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> deserializer.deserialize("telemetry.requests", truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessage("cannot read RequestStats with schema id 1: the payload ends early ("
            + (truncated.length - 5) + " bytes after the header)");
    byte[] trailing = Arrays.copyOf(good, good.length + 2);
    assertThatThrownBy(() -> deserializer.deserialize("telemetry.requests", trailing))
        .isInstanceOf(SerializationException.class)
        .hasMessage("cannot read RequestStats with schema id 1: trailing bytes after the record");
    byte[] headerOnly = Arrays.copyOf(good, 5);
    assertThatThrownBy(() -> deserializer.deserialize("telemetry.requests", headerOnly))
        .hasMessageContaining("the payload ends early (0 bytes after the header)");
  }

  @Test
  void shouldRejectRandomBytesBehindAValidHeaderWithoutAnythingButSerializationException() {
    Random random = new Random(7);
    var deserializer = serdes.valueSerde(IncidentCandidate.class).deserializer();
    byte[] good = serdes.valueSerde(IncidentCandidate.class).serializer()
        .serialize("foreshock.incident-candidates", candidate(random));
    int rejected = 0;
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = Arrays.copyOf(good, 5 + random.nextInt(200));
      for (int j = 5; j < bytes.length; j++) {
        bytes[j] = (byte) random.nextInt(256);
      }
      try {
        deserializer.deserialize("foreshock.incident-candidates", bytes);
      } catch (SerializationException e) {
        assertThat(e.getMessage()).startsWith("cannot read IncidentCandidate with schema id 1: ");
        rejected++;
      }
    }
    assertThat(rejected).isGreaterThan(1_900);
  }

  @Test
  void shouldNotAllocateWhatAHugeLengthPrefixClaims() {
    // ts = 1, then a string length of about 1 GiB with nothing behind it
    byte[] bytes = {0, 0, 0, 0, 1, 2, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
    registry.register("telemetry.changes-value", ChangeEvent.getClassSchema());

    assertThatThrownBy(() -> serdes.valueSerde(ChangeEvent.class).deserializer().deserialize("telemetry.changes", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot read ChangeEvent with schema id 1");
  }

  @Test
  void shouldNameTheRecordTopicAndCauseWhenARequiredFieldIsNull() {
    RequestStats broken = new RequestStats();
    broken.setTs(BASE);
    broken.setInstance("search-3");

    assertThatThrownBy(() -> serdes.valueSerde(RequestStats.class).serializer().serialize("telemetry.requests", broken))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("cannot write RequestStats to topic telemetry.requests: ")
        .hasMessageContaining("service");
  }

  @Test
  void shouldWrapARegistryFailureOnWriteInASerializationException() {
    SchemaRegistry down = new SchemaRegistry() {
      @Override
      public int register(String subject, Schema schema) {
        throw new SchemaRegistryException("schema registry at http://127.0.0.1:8081 is unreachable: connection refused");
      }

      @Override
      public Schema schemaById(int id) {
        throw new AssertionError("not called");
      }
    };
    MemorySample sample = MemorySample.newBuilder().setTs(BASE).setResource("redis-queue").setUsedBytes(1).build();

    assertThatThrownBy(() -> new AvroSerdes(down).valueSerde(MemorySample.class).serializer().serialize("telemetry.memory", sample))
        .isInstanceOf(SerializationException.class)
        .hasMessage("cannot register the MemorySample schema under subject telemetry.memory-value: "
            + "schema registry at http://127.0.0.1:8081 is unreachable: connection refused");
  }

  @Test
  void shouldRaiseARegistryOutageOnReadAsSchemaRegistryExceptionNotAsABadRecord() {
    MemorySample sample = MemorySample.newBuilder().setTs(BASE).setResource("redis-queue").setUsedBytes(1).build();
    byte[] bytes = serdes.valueSerde(MemorySample.class).serializer().serialize("telemetry.memory", sample);
    SchemaRegistry down = new SchemaRegistry() {
      @Override
      public int register(String subject, Schema schema) {
        throw new AssertionError("not called");
      }

      @Override
      public Schema schemaById(int id) {
        throw new SchemaRegistryException("schema registry at http://127.0.0.1:8081 is unreachable: connection refused");
      }
    };

    assertThatThrownBy(() -> new AvroSerdes(down).valueSerde(MemorySample.class).deserializer().deserialize("telemetry.memory", bytes))
        .isExactlyInstanceOf(SchemaRegistryException.class)
        .hasMessage("cannot read MemorySample with schema id 1: "
            + "schema registry at http://127.0.0.1:8081 is unreachable: connection refused");
  }

  @Test
  void shouldRoundTripFromSeveralThreadsWithOneSerde() throws Exception {
    Serde<RequestStats> serde = serdes.valueSerde(RequestStats.class);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = 100 + t;
        Callable<Integer> task = () -> {
          Random random = new Random(seed);
          int n = 0;
          for (int i = 0; i < 2_000; i++) {
            RequestStats stats = requestStats(random);
            byte[] bytes = serde.serializer().serialize("telemetry.requests", stats);
            assertThat(serde.deserializer().deserialize("telemetry.requests", bytes)).isEqualTo(stats);
            n++;
          }
          return n;
        };
        results.add(pool.submit(task));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get()).isEqualTo(2_000);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(registry.versions("telemetry.requests-value")).containsExactly(1);
  }

  private <T extends SpecificRecord> void roundTrip(String topic, Class<T> type, T record) {
    Serde<T> serde = serdes.valueSerde(type);
    byte[] bytes = serde.serializer().serialize(topic, record);
    assertThat(bytes[0]).isZero();
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registry.versions(topic + "-value").get(0));
    assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(record);
  }

  /** Confluent wire format written by hand with a generic writer (another producer's schema). */
  static byte[] wire(int id, Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, e);
    e.flush();
    return out.toByteArray();
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  static ConnectionEvent connectionEvent(Random r) {
    return ConnectionEvent.newBuilder().setTs(BASE + r.nextInt(3_600_000))
        .setService(pick(r, "frontend-api", "checkout", "search-api")).setInstance("inst-" + r.nextInt(400))
        .setTarget(pick(r, "postgres-main", "redis-cache", "mysql-orders"))
        .setEvent(ConnectionEventKind.values()[r.nextInt(ConnectionEventKind.values().length)])
        .setReason(r.nextBoolean() ? null : pick(r, "MAX_LIFETIME", "IDLE_TIMEOUT", "ERROR", "STARTUP", "ünïcode ✓"))
        .setCount(1 + r.nextInt(r.nextBoolean() ? 1 : 50)).build();
  }

  static MemorySample memorySample(Random r) {
    long max = (1L + r.nextInt(64)) << 30;
    return MemorySample.newBuilder().setTs(BASE + r.nextInt(3_600_000)).setResource(pick(r, "redis-queue", "es-heap"))
        .setHost(r.nextBoolean() ? null : "host-" + r.nextInt(9))
        .setUsedBytes((long) (max * r.nextDouble())).setMaxBytes(r.nextInt(4) == 0 ? null : max).build();
  }

  static RequestStats requestStats(Random r) {
    long requests = r.nextInt(5_000);
    return RequestStats.newBuilder().setTs(BASE + r.nextInt(3_600_000)).setService(pick(r, "search-api", "checkout"))
        .setInstance("search-" + r.nextInt(30)).setIntervalMs(1_000L * (1 + r.nextInt(60))).setRequests(requests)
        .setErrors(requests == 0 ? 0 : (long) (requests * r.nextDouble() * 0.1)).build();
  }

  static ChangeEvent changeEvent(Random r) {
    return ChangeEvent.newBuilder().setTs(BASE + r.nextInt(3_600_000)).setTarget(pick(r, "search-api", "redis-queue"))
        .setKind(pick(r, "DEPLOY", "UPGRADE", "MAINTENANCE", "CONFIG", "ROLLBACK", "SCALE", "CHAOS"))
        .setDescription("change #" + r.nextInt(10_000)).build();
  }

  static ServiceDependencies dependencies(Random r) {
    List<String> deps = new ArrayList<>();
    for (int i = r.nextInt(6); i > 0; i--) {
      deps.add(pick(r, "redis-queue", "postgres-main", "es-cluster", "kafka"));
    }
    return ServiceDependencies.newBuilder().setService(pick(r, "search-api", "frontend-api")).setDependsOn(deps)
        .setTs(r.nextBoolean() ? null : BASE + r.nextInt(1000)).build();
  }

  static IncidentCandidate candidate(Random r) {
    Map<String, Double> evidence = new LinkedHashMap<>();
    evidence.put("opens", (double) r.nextInt(10_000));
    evidence.put("fleetFraction", r.nextDouble());
    if (r.nextBoolean()) {
      evidence.put("secondsToExhaustion", r.nextDouble() * 86_400);
    }
    long start = BASE + r.nextInt(3_600_000);
    return IncidentCandidate.newBuilder().setId("c-" + Long.toHexString(r.nextLong()))
        .setType(CandidateType.values()[r.nextInt(CandidateType.values().length)])
        .setSeverity(Severity.values()[r.nextInt(Severity.values().length)])
        .setStatus(CandidateStatus.values()[r.nextInt(CandidateStatus.values().length)])
        .setSubject(pick(r, "postgres-main", "redis-queue", "search-api")).setTs(start + 60_000)
        .setWindowStart(start).setWindowEnd(start + 60_000).setSummary("Connection opens on postgres-main far above baseline")
        .setEvidence(evidence).setRelated(r.nextBoolean() ? List.of() : List.of("c-1", "c-2"))
        .setProbableCauses(r.nextBoolean() ? List.of() : List.of("DEPLOY search-api @ 2025-09-17T00:55:00Z")).build();
  }
}

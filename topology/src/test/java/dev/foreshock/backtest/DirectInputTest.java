package dev.foreshock.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.Topics;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.config.ForeshockSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast path into the driver's task gives the same output as piping through the driver. */
class DirectInputTest {

  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");
  private static final Clock CLOCK = Clock.fixed(BASE.plusSeconds(7_200), ZoneOffset.UTC);

  @TempDir Path stateDir;

  @Test
  void shouldWriteSameCandidatesAndDeadLettersWhenPipedDirectlyOrThroughTheDriver() {
    List<Object> direct = run(true);
    List<Object> viaDriver = run(false);

    assertThat(direct).isEqualTo(viaDriver);
    assertThat(direct).anySatisfy(o -> assertThat(o).asString().contains("errors > requests"));
  }

  @Test
  void shouldWriteSameOutputAndKeepNoChangelogWhenTopologyHasStoresAndRepartitions() {
    List<String> direct = runStateful(true);
    List<String> viaDriver = runStateful(false);

    assertThat(direct).hasSizeGreaterThan(50).isEqualTo(viaDriver);
  }

  /**
   * A running count per key in a logged store behind a repartition, emitting every 37th count:
   * changelog records on every record, repartition and output records now and then.
   */
  private List<String> runStateful(boolean direct) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"), Serdes.String(),
        Serdes.Long()));
    builder.stream("in", Consumed.with(Serdes.String(), Serdes.Long()).withName("read-in"))
        .selectKey((k, v) -> "k" + (v % 7), Named.as("rekey"))
        .repartition(Repartitioned.<String, Long>as("by-bucket").withKeySerde(Serdes.String())
            .withValueSerde(Serdes.Long()))
        .process(() -> new Processor<String, Long, String, String>() {
          private ProcessorContext<String, String> context;
          private KeyValueStore<String, Long> counts;

          @Override
          public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.counts = context.getStateStore("counts");
          }

          @Override
          public void process(Record<String, Long> record) {
            Long n = counts.get(record.key());
            long next = n == null ? 1 : n + 1;
            counts.put(record.key(), next);
            if (next % 37 == 0) {
              context.forward(record.withValue(record.key() + "=" + next + "@" + context.currentStreamTimeMs()));
            }
          }
        }, Named.as("count"), "counts")
        .to("out", Produced.with(Serdes.String(), Serdes.String()).withName("write-out"));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "direct-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(direct ? "s-direct" : "s-driver").toString());
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    Random random = new Random(31);
    List<String> out = new ArrayList<>();
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(props), props, BASE)) {
      DirectInput input = direct ? DirectInput.attach(driver, "direct-test").orElseThrow() : null;
      TestInputTopic<String, Long> viaDriver = driver.createInputTopic("in", new StringSerializer(),
          new LongSerializer());
      TestOutputTopic<String, String> output = driver.createOutputTopic("out", new StringDeserializer(),
          new StringDeserializer());
      for (int i = 0; i < 3_000; i++) {
        long value = random.nextInt(1_000);
        long ts = BASE.toEpochMilli() + i * 100L - random.nextInt(300);
        if (direct) {
          input.pipe("in", new StringSerializer().serialize("in", "x"), new LongSerializer().serialize("in", value), ts);
        } else {
          viaDriver.pipeInput("x", value, ts);
        }
        if (i % 250 == 0) {
          output.readRecordsToList().forEach(r -> out.add(r.key() + " " + r.value() + " " + r.timestamp()));
        }
      }
      output.readRecordsToList().forEach(r -> out.add(r.key() + " " + r.value() + " " + r.timestamp()));
      if (direct) {
        assertThat(driver.producedTopicNames()).noneMatch(t -> t.endsWith("-changelog"));
      }
    }
    return out;
  }

  /** An hour of a small fleet with occasional broken records; returns everything written, in order. */
  private List<Object> run(boolean direct) {
    Random random = new Random(23);
    List<Object> out = new ArrayList<>();
    try (OfflinePipeline pipeline = new OfflinePipeline(ForeshockSettings.defaults(), CLOCK, BASE,
        stateDir.resolve(direct ? "direct" : "driver"), direct)) {
      assertThat(pipeline.isDirect()).isEqualTo(direct);
      pipeline.pipe(new ServiceDependencies("search-api", List.of("redis-queue", "postgres-main"), null));
      for (int i = 0; i < 4_000; i++) {
        long ts = BASE.toEpochMilli() + i * 1_000L + random.nextInt(800);
        int fleet = 6;
        String instance = "search-" + random.nextInt(fleet);
        double used = 0.4 + (i > 2_500 ? (i - 2_500) / 1_500.0 : 0) + random.nextGaussian() * 0.01;
        SpecificRecord record = switch (i % 4) {
          case 0 -> new MemorySample(ts, "redis-queue", "redis-1", (long) (used * (3L << 30)), 3L << 30);
          case 1 -> {
            long requests = 800 + random.nextInt(400);
            long errors = i > 3_000 ? requests / 3 : random.nextInt(3);
            yield new RequestStats(ts, "search-api", instance, 10_000L, requests,
                random.nextInt(500) == 0 ? requests + 1 : errors);
          }
          case 2 -> new ConnectionEvent(ts, "search-api", instance, "postgres-main",
              random.nextInt(50) == 0 ? ConnectionEventKind.ACQUIRE_FAILED : ConnectionEventKind.OPENED,
              "MAX_LIFETIME", 1 + random.nextInt(3));
          default -> random.nextInt(900) == 0
              ? new ChangeEvent(ts, "search-api", "DEPLOY", "release " + i)
              : new ConnectionEvent(ts, "search-api", instance, "postgres-main", ConnectionEventKind.CLOSED,
                  "MAX_LIFETIME", 1);
        };
        pipeline.pipe(record);
        if (random.nextInt(1_000) == 0) {
          pipeline.pipeRaw(Topics.MEMORY, "redis-queue", "garbage".getBytes(StandardCharsets.UTF_8), ts);
        }
        if (i % 100 == 0) {
          collect(pipeline, out);
        }
      }
      collect(pipeline, out);
    }
    return out;
  }

  private static void collect(OfflinePipeline pipeline, List<Object> out) {
    for (IncidentCandidate c : pipeline.drainCandidates()) {
      out.add(c.toString());
    }
    for (TestRecord<byte[], byte[]> dead : pipeline.drainDeadLetters()) {
      StringBuilder sb = new StringBuilder(new String(dead.value(), StandardCharsets.ISO_8859_1));
      for (Header h : dead.headers()) {
        sb.append(' ').append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8));
      }
      out.add(sb.append(" @").append(dead.timestamp()).toString());
    }
  }
}

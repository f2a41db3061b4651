package dev.foreshock.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.foreshock.Topics;
import dev.foreshock.embedded.EmbeddedKafka;
import dev.foreshock.runtime.ItSupport.Position;
import dev.foreshock.runtime.PoisonRecords.Poison;
import dev.foreshock.serde.AvroSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams application is killed with SIGKILL in the middle of a stream and started again on
 * the same state directory: with exactly-once v2 a {@code read_committed} reader of its output
 * sees every record it must write exactly once, none twice, none missing.
 *
 * <p>The output checked is the dead-letter topic (written in the same transactions as every other
 * output) and the consumed offsets; the candidates topic is checked the same way once detectors
 * emit (see the DETECTORS note).
 */
class ExactlyOnceIT {

  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");

  @TempDir static Path dataDir;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start(dataDir, "127.0.0.1", 0);
    ItSupport.createTopics(kafka.bootstrapServers(), 2);
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void shouldWriteEveryOutputExactlyOnceWhenKilledMidStreamAndRestarted(@TempDir Path stateDir) throws Exception {
    Random random = new Random(9001);
    AvroSerdes serdes = new AvroSerdes(ItSupport.contractRegistry());
    List<SpecificRecord> good = FleetTelemetry.quiet(random, BASE, Duration.ofMinutes(30), 6 + random.nextInt(4));
    List<Poison> poisons = new ArrayList<>();
    while (poisons.size() * 40 < good.size()) {
      poisons.addAll(PoisonRecords.all(serdes, random, BASE.plusSeconds(poisons.size())));
    }
    String appId = "eos-" + random.nextInt(1_000_000);
    String bootstrap = kafka.bootstrapServers();
    Path log = Path.of(System.getProperty("java.io.tmpdir"), appId + ".log");
    Map<Position, Poison> expected = new ConcurrentHashMap<>();

    int warmUp = good.size() / 10;
    KafkaProducer<String, byte[]> producer = ItSupport.rawProducer(bootstrap);
    int[] poisonIndex = {0};
    // the first tenth before the application starts, the rest while it runs, is killed and restarts
    produce(producer, serdes, good, poisons, poisonIndex, expected, 0, warmUp, 0);
    Process first = StreamsAppProcess.start(bootstrap, appId, stateDir.resolve("state"), log);
    CompletableFuture<Integer> producing;
    int deadAtKill;
    try {
      await("the first instance processing")
          .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> ItSupport.readCommitted(bootstrap, Topics.DLQ).size() >= 3);
      // about 1,500 records a second: the stream lasts several seconds
      producing = CompletableFuture.supplyAsync(() -> {
        produce(producer, serdes, good, poisons, poisonIndex, expected, warmUp, good.size(), 666_000L);
        producer.close();
        return poisonIndex[0];
      });
      deadAtKill = await("more dead letters committed by the first instance while the stream flows")
          .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> ItSupport.readCommitted(bootstrap, Topics.DLQ).size(), n -> n >= warmUp / 40 + 5);
      assertThat(producing).as("the stream is still flowing when the application is killed").isNotDone();
    } finally {
      first.destroyForcibly();
      first.waitFor(30, TimeUnit.SECONDS);
    }

    Process second = StreamsAppProcess.start(bootstrap, appId, stateDir.resolve("state"), log);
    try {
      int poisonsSent = producing.get(2, TimeUnit.MINUTES);
      assertThat(expected).hasSize(poisonsSent);
      assertThat(deadAtKill).isLessThan(poisonsSent);

      await("every record consumed after the restart")
          .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> ItSupport.consumedEverything(bootstrap, appId, Topics.TELEMETRY));

      List<ConsumerRecord<byte[], byte[]>> dead = ItSupport.readCommitted(bootstrap, Topics.DLQ);
      List<Position> origins = dead.stream().map(r -> new Position(ItSupport.header(r, "foreshock.dlq.topic"),
          Integer.parseInt(ItSupport.header(r, "foreshock.dlq.partition")),
          Long.parseLong(ItSupport.header(r, "foreshock.dlq.offset")))).toList();
      assertThat(origins).as("dead letters (read_committed): each poison record exactly once")
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(expected.keySet());
      for (ConsumerRecord<byte[], byte[]> r : dead) {
        Position origin = new Position(ItSupport.header(r, "foreshock.dlq.topic"),
            Integer.parseInt(ItSupport.header(r, "foreshock.dlq.partition")),
            Long.parseLong(ItSupport.header(r, "foreshock.dlq.offset")));
        assertThat(ItSupport.header(r, "foreshock.dlq.reason")).isEqualTo(expected.get(origin).reason());
      }

      // DETECTORS: once detectors emit candidates for a scenario produced here, enable:
      // List<ConsumerRecord<byte[], byte[]>> candidates = ItSupport.readCommitted(bootstrap, Topics.CANDIDATES);
      // assertThat(candidates.stream().map(c -> new String(c.key()) + "/" + status(c))).doesNotHaveDuplicates();
    } finally {
      second.destroy();
      second.waitFor(60, TimeUnit.SECONDS);
      second.destroyForcibly();
    }
  }

  /** Sends good[from, to) with a poison record after every 40th, one record every {@code pace} ns. */
  private static void produce(KafkaProducer<String, byte[]> producer, AvroSerdes serdes, List<SpecificRecord> good,
      List<Poison> poisons, int[] poisonIndex, Map<Position, Poison> expected, int from, int to, long pace) {
    long start = System.nanoTime();
    for (int i = from; i < to; i++) {
      SpecificRecord record = good.get(i);
      TelemetryRouting route = TelemetryRouting.of(record);
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(route.topic(), null,
          route.timestamp() == null ? BASE.toEpochMilli() : route.timestamp(), route.key(),
          ItSupport.avro(serdes, route.topic(), record)));
      if (i % 40 == 39 && poisonIndex[0] < poisons.size()) {
        Poison p = poisons.get(poisonIndex[0]++);
        expected.put(ItSupport.send(producer, p.topic(), p.key(), p.value(), BASE.plusSeconds(i).toEpochMilli()), p);
      }
      long wait = start + (i - from) * pace - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
    producer.flush();
  }
}

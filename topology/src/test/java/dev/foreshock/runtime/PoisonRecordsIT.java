package dev.foreshock.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.foreshock.Topics;
import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.Severity;
import dev.foreshock.simulate.SimulatedScenario;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.embedded.EmbeddedKafka;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.runtime.ItSupport.Position;
import dev.foreshock.runtime.PoisonRecords.Poison;
import dev.foreshock.serde.AvroSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison records of every kind, interleaved with good telemetry, through the real application on
 * a real broker: each poison lands once in the dead-letter topic with its reason and origin, every
 * good record is consumed, the application keeps running, and the seed incident's candidates are
 * exactly those the same records give without poison.
 */
class PoisonRecordsIT {


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
  void shouldSendEveryPoisonRecordToDeadLetterTopicAndProcessEveryGoodOne(@TempDir Path stateDir) {
    Random random = new Random(4242);
    AvroSerdes serdes = new AvroSerdes(ItSupport.contractRegistry());
    SimulatedScenario scenario = ItSupport.rapidRise();
    List<SpecificRecord> good = scenario.records();
    List<Poison> poisons = PoisonRecords.all(serdes, random, Instant.ofEpochMilli(scenario.startMs() + 60_000));

    Map<Position, Poison> expected = new HashMap<>();
    int goodSent = 0;
    try (KafkaProducer<String, byte[]> producer = ItSupport.rawProducer(kafka.bootstrapServers())) {
      int nextPoison = 0;
      for (int i = 0; i < good.size(); i++) {
        SpecificRecord record = good.get(i);
        TelemetryRouting route = TelemetryRouting.of(record);
        long ts = route.timestamp() == null ? scenario.startMs() : route.timestamp();
        producer.send(new ProducerRecord<>(route.topic(), null, ts, route.key(), ItSupport.avro(serdes, route.topic(), record)));
        goodSent++;
        // poison records interleaved at random places in the first tenth, long before the rise
        if (nextPoison < poisons.size() && random.nextInt(good.size() / (10 * poisons.size())) == 0) {
          Poison p = poisons.get(nextPoison++);
          // the Kafka timestamp of a far-future record is the producer's, as with a broken event clock
          expected.put(ItSupport.send(producer, p.topic(), p.key(), p.value(), ts), p);
        }
      }
      while (nextPoison < poisons.size()) {
        Poison p = poisons.get(nextPoison++);
        expected.put(ItSupport.send(producer, p.topic(), p.key(), p.value(), scenario.startMs()), p);
      }
    }
    assertThat(goodSent).isEqualTo(good.size());

    String appId = "poison-" + random.nextInt(1_000_000);
    PipelineMetrics metrics = PipelineMetrics.inMemory();
    RuntimeSettings settings = ItSupport.settings(kafka.bootstrapServers(), appId, stateDir, "exactly_once_v2");
    try (StreamsApp app = new StreamsApp(settings, ForeshockSettings.defaults(), new Topics(serdes), metrics,
        Clock.systemUTC())) {
      app.start();

      await("every record on the telemetry topics consumed by " + appId)
          .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> ItSupport.consumedEverything(kafka.bootstrapServers(), appId, Topics.TELEMETRY));

      List<ConsumerRecord<byte[], byte[]>> dead = ItSupport.readCommitted(kafka.bootstrapServers(), Topics.DLQ);
      Map<Position, ConsumerRecord<byte[], byte[]>> byOrigin = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : dead) {
        Position origin = new Position(ItSupport.header(r, "foreshock.dlq.topic"),
            Integer.parseInt(ItSupport.header(r, "foreshock.dlq.partition")),
            Long.parseLong(ItSupport.header(r, "foreshock.dlq.offset")));
        assertThat(byOrigin.put(origin, r)).as("dead letter of %s written twice", origin).isNull();
      }
      assertThat(byOrigin.keySet()).as("dead letters, by origin").containsExactlyInAnyOrderElementsOf(expected.keySet());
      expected.forEach((origin, poison) -> {
        ConsumerRecord<byte[], byte[]> r = byOrigin.get(origin);
        assertThat(ItSupport.header(r, "foreshock.dlq.reason")).as(poison.kind()).isEqualTo(poison.reason());
        assertThat(ItSupport.header(r, "foreshock.dlq.message")).as(poison.kind()).contains(poison.messagePart());
        assertThat(r.value()).as(poison.kind() + ": original bytes").isEqualTo(poison.value());
        assertThat(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(poison.key());
      });
      double counted = metrics.registry().find("foreshock.dlq.records").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      assertThat(counted).isEqualTo(poisons.size());
      assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);


      // The candidates are those of the same records without poison, offline: the poison records
      // changed nothing, and the far-future ones on redis-queue and search-api closed no window
      // early (else the rise and the spikes would be late records, and missing or early here).
      List<IncidentCandidate> reference = ItSupport.offlineCandidates(scenario, stateDir.resolve("offline"));
      List<IncidentCandidate> candidates = new java.util.ArrayList<>();
      await("the candidates of the rapid-rise incident")
          .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> {
            candidates.clear();
            candidates.addAll(ItSupport.candidates(kafka.bootstrapServers(), serdes));
            assertThat(ItSupport.opened(candidates)).as("episodes opened, as offline (late records: %s)",
                    metrics.registry().find("foreshock.late.records").counters().stream()
                        .map(c -> c.getId().getTag("detector") + "=" + c.count()).toList())
                .isEqualTo(ItSupport.opened(reference));
          });
      assertThat(ItSupport.opened(candidates)).contains("MEMORY_RAPID_RISE redis-queue", "ERROR_RATE_SPIKE search-api");
      IncidentCandidate rise = first(candidates, "MEMORY_RAPID_RISE");
      assertThat(rise.getSeverity()).isEqualTo(Severity.CRITICAL);
      assertThat(rise.getTs()).isEqualTo(first(reference, "MEMORY_RAPID_RISE").getTs());
      assertThat(candidates.stream().map(ItSupport::describe)).doesNotHaveDuplicates();
      assertThat(candidates.stream().filter(c -> c.getStatus() != dev.foreshock.avro.CandidateStatus.UPDATED)
          .map(c -> c.getId() + " " + c.getStatus())).as("each episode opened once and resolved at most once")
          .doesNotHaveDuplicates();
    }
  }

  private static IncidentCandidate first(List<IncidentCandidate> candidates, String type) {
    return candidates.stream().filter(c -> c.getType().name().equals(type) && c.getStatus() == CandidateStatus.OPEN)
        .findFirst().orElseThrow(() -> new AssertionError("no OPEN " + type + " in " + candidates));
  }
}

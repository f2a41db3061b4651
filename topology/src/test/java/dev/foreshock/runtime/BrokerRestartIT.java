package dev.foreshock.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.foreshock.Topics;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.embedded.EmbeddedKafka;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.runtime.ItSupport.Position;
import dev.foreshock.runtime.PoisonRecords.Poison;
import dev.foreshock.serde.AvroSerdes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops in the middle of a stream and comes back on the same address with the same
 * data: the running application reconnects by itself and processes what follows, each output
 * exactly once.
 */
class BrokerRestartIT {

  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");

  @TempDir Path dataDir;

  @Test
  void shouldRecoverWhenBrokerRestartsMidStream(@TempDir Path stateDir) throws IOException {
    Random random = new Random(31337);
    int port = freePort();
    AvroSerdes serdes = new AvroSerdes(ItSupport.contractRegistry());
    List<SpecificRecord> good = FleetTelemetry.quiet(random, BASE, Duration.ofMinutes(10), 3 + random.nextInt(3));
    int half = good.size() / 2;
    String appId = "broker-restart-" + random.nextInt(1_000_000);
    Map<Position, Poison> expected = new HashMap<>();
    PipelineMetrics metrics = PipelineMetrics.inMemory();

    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, "127.0.0.1", port);
    String bootstrap = kafka.bootstrapServers();
    StreamsApp app = null;
    try {
      ItSupport.createTopics(bootstrap, 2);
      produce(bootstrap, serdes, good.subList(0, half), PoisonRecords.all(serdes, random, BASE), expected);
      app = new StreamsApp(ItSupport.settings(bootstrap, appId, stateDir, "exactly_once_v2"),
          ForeshockSettings.defaults(), new Topics(serdes), metrics, Clock.systemUTC());
      app.start();
      await("first half consumed before the broker stops")
          .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> ItSupport.consumedEverything(bootstrap, appId, Topics.TELEMETRY));

      kafka.close();
      kafka = EmbeddedKafka.start(dataDir, "127.0.0.1", port);
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);

      produce(bootstrap, serdes, good.subList(half, good.size()),
          PoisonRecords.all(serdes, random, BASE.plusSeconds(300)), expected);
      await("second half consumed after the broker came back")
          .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> ItSupport.consumedEverything(bootstrap, appId, Topics.TELEMETRY));
      StreamsApp running = app;
      await("application running again").atMost(Duration.ofSeconds(60))
          .until(() -> running.streams().state() == KafkaStreams.State.RUNNING);

      List<ConsumerRecord<byte[], byte[]>> dead = ItSupport.readCommitted(bootstrap, Topics.DLQ);
      List<Position> origins = dead.stream().map(r -> new Position(ItSupport.header(r, "foreshock.dlq.topic"),
          Integer.parseInt(ItSupport.header(r, "foreshock.dlq.partition")),
          Long.parseLong(ItSupport.header(r, "foreshock.dlq.offset")))).toList();
      assertThat(origins).as("dead letters from before and after the broker restart, each once")
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(expected.keySet());
      // DETECTORS: once detectors emit, the candidates expected from a scenario spanning the
      // restart must appear here (read_committed), each once.
    } finally {
      if (app != null) {
        app.close();
      }
      kafka.close();
    }
  }

  private static void produce(String bootstrap, AvroSerdes serdes, List<SpecificRecord> good, List<Poison> poisons,
      Map<Position, Poison> expected) {
    try (KafkaProducer<String, byte[]> producer = ItSupport.rawProducer(bootstrap)) {
      int every = Math.max(1, good.size() / poisons.size());
      int next = 0;
      for (int i = 0; i < good.size(); i++) {
        SpecificRecord record = good.get(i);
        TelemetryRouting route = TelemetryRouting.of(record);
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(route.topic(), null,
            route.timestamp() == null ? BASE.toEpochMilli() : route.timestamp(), route.key(),
            ItSupport.avro(serdes, route.topic(), record)));
        if (i % every == every - 1 && next < poisons.size()) {
          Poison p = poisons.get(next++);
          expected.put(ItSupport.send(producer, p.topic(), p.key(), p.value(), BASE.toEpochMilli()), p);
        }
      }
      while (next < poisons.size()) {
        Poison p = poisons.get(next++);
        expected.put(ItSupport.send(producer, p.topic(), p.key(), p.value(), BASE.toEpochMilli()), p);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }
}

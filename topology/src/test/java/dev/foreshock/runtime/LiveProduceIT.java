package dev.foreshock.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.foreshock.Topics;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.embedded.EmbeddedKafka;
import dev.foreshock.ingest.Validation;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.simulate.SimulatedScenario;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code produce} into a running application, as {@code ./foreshock run} and {@code ./foreshock
 * produce} in two terminals: the records of the requests, memory and changes topics are written
 * at the same time, each into its own topic, while the task that reads them together is already
 * consuming. With the task waiting for its empty partitions ({@code streams.task-idle}), no record
 * counts as late and the candidates are those of the same records offline.
 */
class LiveProduceIT {

  private static final Logger LOG = LoggerFactory.getLogger(LiveProduceIT.class);

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
  void shouldCountNoLateRecordWhenScenarioIsProducedIntoRunningApplication(@TempDir Path stateDir) {
    AvroSerdes serdes = new AvroSerdes(ItSupport.contractRegistry());
    SimulatedScenario scenario = ItSupport.rapidRise();
    String appId = "live-" + new Random(31).nextInt(1_000_000);
    PipelineMetrics metrics = PipelineMetrics.inMemory();
    RuntimeSettings settings = ItSupport.settings(kafka.bootstrapServers(), appId, stateDir, "exactly_once_v2");
    assertThat(settings.taskIdle()).isEqualTo(Duration.ofSeconds(2));
    try (StreamsApp app = new StreamsApp(settings, ForeshockSettings.defaults(), new Topics(serdes), metrics,
        Clock.systemUTC())) {
      app.start();
      await("the application running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> app.streams().state() == KafkaStreams.State.RUNNING);

      long sent;
      try (TelemetryProducer producer = new TelemetryProducer(kafka.bootstrapServers(), Map.of(), serdes,
          new Validation(ForeshockSettings.defaults().ingest()), Clock.systemUTC())) {
        sent = producer.publish(scenario.records());
      }
      assertThat(sent).isEqualTo(scenario.records().size());
      await("every record on the telemetry topics consumed by " + appId)
          .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> ItSupport.consumedEverything(kafka.bootstrapServers(), appId, Topics.TELEMETRY));

      Map<String, Double> late = new TreeMap<>();
      for (Counter c : metrics.registry().find("foreshock.late.records").counters()) {
        late.merge(c.getId().getTag("detector"), c.count(), Double::sum);
      }
      LOG.info("{} records produced into the running application; late records by detector: {}", sent, late);
      assertThat(late.values()).as("late records by detector: %s", late).allMatch(n -> n == 0.0);

      List<IncidentCandidate> reference = ItSupport.offlineCandidates(scenario, stateDir.resolve("offline"));
      List<IncidentCandidate> candidates = await("the candidates of the rapid-rise incident")
          .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> ItSupport.candidates(kafka.bootstrapServers(), serdes),
              c -> ItSupport.opened(c).containsAll(ItSupport.opened(reference)));
      assertThat(ItSupport.opened(candidates)).contains("MEMORY_RAPID_RISE redis-queue", "ERROR_RATE_SPIKE search-api");
    }
  }
}

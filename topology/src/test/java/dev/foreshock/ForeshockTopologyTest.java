package dev.foreshock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.correlate.Correlation;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.ingest.Ingest;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.Test;

/** Every processor, store and repartition topic has an explicit name, so that adding a step renames nothing. */
class ForeshockTopologyTest {

  private static final Pattern GENERATED = Pattern.compile("KSTREAM-|KTABLE-|KSTREAM_|KTABLE_");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-09-17T02:00:00Z"), ZoneOffset.UTC);

  private final Topics topics = new Topics(new AvroSerdes(new InMemorySchemaRegistry()));
  private final PipelineMetrics metrics = PipelineMetrics.inMemory();

  @Test
  void shouldHoldNoGeneratedNameWhenWholeTopologyIsBuilt() {
    String description = new ForeshockTopology(ForeshockSettings.defaults(), topics, metrics, CLOCK)
        .build(props()).describe().toString();

    assertThat(description).contains("read-requests", "dead-letter-memory", "accept-connections");
    assertThat(GENERATED.matcher(description).find())
        .as("generated names in%n%s", description).isFalse();
  }

  @Test
  void shouldHoldNoGeneratedNameWhenCorrelationReceivesSignals() {
    // The detectors may not emit yet: feed correlation a signal stream of its own.
    StreamsBuilder builder = new StreamsBuilder();
    Telemetry telemetry = new Ingest(ForeshockSettings.defaults().ingest(), topics, metrics, CLOCK).addTo(builder);
    KStream<String, CandidateSignal> signals = telemetry.requests().mapValues(r -> CandidateSignal.active(
        CandidateType.ERROR_RATE_SPIKE, r.getService(), Severity.WARNING, r.getTs(), r.getTs(), r.getTs(), "",
        Map.of(), r.getTs()), Named.as("test-signals"));
    new Correlation(ForeshockSettings.defaults().correlation(), topics, metrics).addTo(builder, telemetry, signals);

    String description = builder.build(props()).describe().toString();

    assertThat(description).contains("candidate-signals", "candidate-lifecycle", StoreNames.CANDIDATE_EPISODES);
    assertThat(GENERATED.matcher(description).find())
        .as("generated names in%n%s", description).isFalse();
  }

  private static Properties props() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "foreshock-naming");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
    return props;
  }
}

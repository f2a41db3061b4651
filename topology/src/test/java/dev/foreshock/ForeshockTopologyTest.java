package dev.foreshock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;
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

    assertThat(description).contains("read-requests", "dead-letter-memory", "accept-connections",
        "candidate-signals", StoreNames.CANDIDATE_EPISODES);
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

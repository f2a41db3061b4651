package dev.foreshock.detect.gaps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.ForeshockTopology;
import dev.foreshock.StoreNames;
import dev.foreshock.Topics;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class TelemetryGapTopologyTest {

  private static TopologyDescription describe() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "foreshock-describe");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "offline:9092");
    props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
    return new ForeshockTopology(ForeshockSettings.defaults(), new Topics(new AvroSerdes(new InMemorySchemaRegistry())),
        PipelineMetrics.inMemory(), Clock.fixed(Instant.parse("2025-08-29T08:00:00Z"), ZoneOffset.UTC))
        .build(props).describe();
  }

  @Test
  void shouldWatchRequestsMemoryAndChangesInTheSubTopologyOfTheGapProcessor() {
    TopologyDescription.Subtopology gaps = describe().subtopologies().stream()
        .filter(s -> s.nodes().stream().anyMatch(n -> n.name().equals("telemetry-gaps")))
        .findFirst().orElseThrow();

    Set<String> topics = gaps.nodes().stream()
        .filter(n -> n instanceof TopologyDescription.Source)
        .flatMap(n -> ((TopologyDescription.Source) n).topicSet().stream())
        .collect(Collectors.toSet());
    assertThat(topics).contains(Topics.REQUESTS, Topics.MEMORY, Topics.CHANGES);
    TopologyDescription.Processor processor = (TopologyDescription.Processor) gaps.nodes().stream()
        .filter(n -> n.name().equals("telemetry-gaps")).findFirst().orElseThrow();
    assertThat(processor.stores()).containsExactly(StoreNames.GAP_SOURCES);
    assertThat(gaps.nodes()).extracting(TopologyDescription.Node::name)
        .contains("gap-watch-requests", "gap-watch-memory", "gap-watch-changes", "gap-merge-memory",
            "gap-merge-changes", "error-rate-spikes");
    TopologyDescription.Processor errors = (TopologyDescription.Processor) gaps.nodes().stream()
        .filter(n -> n.name().equals("error-rate-spikes")).findFirst().orElseThrow();
    assertThat(errors.stores()).containsExactlyInAnyOrder(StoreNames.ERROR_WINDOWS, StoreNames.ERROR_BASELINES);
  }
}

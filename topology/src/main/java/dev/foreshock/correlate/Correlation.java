package dev.foreshock.correlate;

import dev.foreshock.StoreNames;
import dev.foreshock.Topics;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.json.JsonSerde;
import dev.foreshock.metrics.PipelineMetrics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Brings every detector's signals to one place (a single-partition repartition topic: candidates
 * are few, and grouping needs to see all of them), runs the candidate lifecycle and writes the
 * candidates, keyed by id, to the candidates topic.
 */
public final class Correlation {

  private final CorrelationSettings settings;
  private final Topics topics;
  private final PipelineMetrics metrics;

  public Correlation(CorrelationSettings settings, Topics topics, PipelineMetrics metrics) {
    this.settings = settings;
    this.topics = topics;
    this.metrics = metrics;
  }

  public void addTo(StreamsBuilder builder, Telemetry telemetry, KStream<String, CandidateSignal> signals) {
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(StoreNames.CANDIDATE_EPISODES), Serdes.String(), new JsonSerde<>(Episode.class)));
    signals
        .repartition(Repartitioned.<String, CandidateSignal>as("candidate-signals")
            .withKeySerde(Serdes.String())
            .withValueSerde(new JsonSerde<>(CandidateSignal.class))
            .withNumberOfPartitions(1))
        .process(() -> new CandidateLifecycle(StoreNames.CANDIDATE_EPISODES, metrics),
            Named.as("candidate-lifecycle"), StoreNames.CANDIDATE_EPISODES)
        .to(topics.candidates().name(), topics.candidates().produced().withName("write-candidates"));
  }
}

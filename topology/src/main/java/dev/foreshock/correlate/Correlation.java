package dev.foreshock.correlate;

import dev.foreshock.StoreNames;
import dev.foreshock.Topics;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.detect.Signals;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.json.JsonSerde;
import dev.foreshock.metrics.PipelineMetrics;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Correlation: brings every detector's signals, the change events, the declared dependencies and
 * the dependencies learned from connection events to one task, and runs the {@link Correlator}
 * there (episodes, incidents, probable causes), writing candidates keyed by id to the candidates
 * topic.
 *
 * <p>Each input is repartitioned to its own one-partition internal topic
 * ({@code candidate-signals}, {@code correlation-changes}, {@code correlation-dependencies},
 * {@code correlation-edges}) and the four are merged in one sub-topology: all one-partition topics,
 * so they form a single task that owns every correlation store, and Kafka Streams interleaves the
 * four by record timestamp. Connection events are not shipped whole: {@link EdgeLearner} reduces
 * them on their own partitions to one edge per (service, target) and (instance, service) per
 * refresh interval, which also gives the correlation task a steady heartbeat of stream time.
 * Signals are marked with their detector task on the way, and each detector task sends its stream
 * time every {@code correlation.tick} ({@link SignalSource}): an episode is judged stale or over by
 * the clock of its own task.
 *
 * <p>All correlation stores are in-memory with changelogs: the state is small (open episodes,
 * recent candidates, a few thousand edges and change events) and restored from the changelog on
 * start; RocksDB would cost a flush per commit for nothing.
 */
public final class Correlation {

  private final CorrelationSettings settings;
  private final Topics topics;
  private final PipelineMetrics metrics;
  private final boolean taskClocks;

  /** For detector tasks that run apart (a Kafka Streams application): with their clocks. */
  public Correlation(CorrelationSettings settings, Topics topics, PipelineMetrics metrics) {
    this(settings, topics, metrics, true);
  }

  /**
   * @param taskClocks whether signals are marked with their detector task, which sends its clock
   *     ({@link SignalSource}); false when the whole topology runs as one task with its input in
   *     event order (offline), where the newest time is every task's time
   */
  public Correlation(CorrelationSettings settings, Topics topics, PipelineMetrics metrics, boolean taskClocks) {
    this.settings = settings;
    this.topics = topics;
    this.metrics = metrics;
    this.taskClocks = taskClocks;
  }

  /** Adds correlation; it runs (and its stores exist for the query API) even when no detector adds signals. */
  public void addTo(StreamsBuilder builder, Telemetry telemetry, Signals signals) {
    Serde<String> keys = Serdes.String();
    builder.addStateStore(keyValue(StoreNames.CANDIDATE_EPISODES, new JsonSerde<>(Episode.class)));
    builder.addStateStore(keyValue(StoreNames.CANDIDATE_HISTORY, new JsonSerde<>(CandidateHistory.class)));
    builder.addStateStore(keyValue(StoreNames.DEPENDENCIES, new JsonSerde<>(DeclaredDependencies.class)));
    builder.addStateStore(keyValue(StoreNames.LEARNED_DEPENDENCIES, Serdes.Long()));
    StoreBuilder<WindowStore<String, ChangeRecord>> changeStore = Stores.windowStoreBuilder(
        Stores.inMemoryWindowStore(StoreNames.CHANGE_HISTORY, settings.changeRetention(), Duration.ofMillis(1), true),
        keys, new JsonSerde<>(ChangeRecord.class));
    builder.addStateStore(changeStore);

    KStream<String, CorrelationInput> changes = telemetry.changes()
        .mapValues(ChangeRecord::of, Named.as("correlation-change-record"))
        .repartition(Repartitioned.<String, ChangeRecord>as("correlation-changes")
            .withKeySerde(keys).withValueSerde(new JsonSerde<>(ChangeRecord.class)).withNumberOfPartitions(1))
        .mapValues(c -> (CorrelationInput) new CorrelationInput.Change(c), Named.as("correlation-input-changes"));
    KStream<String, CorrelationInput> declared = telemetry.dependencies()
        .mapValues(d -> new DeclaredDependencies(d.getService(), d.getDependsOn()), Named.as("correlation-declared"))
        .repartition(Repartitioned.<String, DeclaredDependencies>as("correlation-dependencies")
            .withKeySerde(keys).withValueSerde(new JsonSerde<>(DeclaredDependencies.class)).withNumberOfPartitions(1))
        .mapValues(d -> (CorrelationInput) new CorrelationInput.Declared(d), Named.as("correlation-input-dependencies"));
    KStream<String, CorrelationInput> learned = telemetry.connections()
        .process(() -> new EdgeLearner(settings.edgeRefresh()), Named.as("learn-dependencies"))
        .repartition(Repartitioned.<String, DependencyEdge>as("correlation-edges")
            .withKeySerde(keys).withValueSerde(new JsonSerde<>(DependencyEdge.class)).withNumberOfPartitions(1))
        .mapValues(e -> (CorrelationInput) new CorrelationInput.Learned(e), Named.as("correlation-input-edges"));

    KStream<String, CorrelationInput> inputs = declared
        .merge(learned, Named.as("correlation-merge-edges"))
        .merge(changes, Named.as("correlation-merge-changes"));
    Optional<KStream<String, CandidateSignal>> all = signals.merged();
    if (all.isPresent()) {
      KStream<String, CandidateSignal> sourced = taskClocks
          ? all.get().process(() -> new SignalSource(settings.tick()), Named.as("signal-source"))
          : all.get();
      KStream<String, CorrelationInput> candidates = sourced
          .repartition(Repartitioned.<String, CandidateSignal>as("candidate-signals")
              .withKeySerde(keys)
              .withValueSerde(new JsonSerde<>(CandidateSignal.class))
              .withNumberOfPartitions(1))
          .mapValues(s -> s.isClock()
              ? (CorrelationInput) new CorrelationInput.Clock(s.source(), s.ts())
              : new CorrelationInput.Signal(s), Named.as("correlation-input-signals"));
      inputs = inputs.merge(candidates, Named.as("correlation-merge-signals"));
    }
    Correlator.Names names = new Correlator.Names(StoreNames.CANDIDATE_EPISODES, StoreNames.CANDIDATE_HISTORY,
        StoreNames.CHANGE_HISTORY, StoreNames.DEPENDENCIES, StoreNames.LEARNED_DEPENDENCIES);
    inputs
        .process(() -> new Correlator(settings, metrics, names), Named.as("correlate"),
            StoreNames.CANDIDATE_EPISODES, StoreNames.CANDIDATE_HISTORY, StoreNames.CHANGE_HISTORY,
            StoreNames.DEPENDENCIES, StoreNames.LEARNED_DEPENDENCIES)
        .to(topics.candidates().name(), topics.candidates().produced().withName("write-candidates"));
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> keyValue(String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values);
  }
}

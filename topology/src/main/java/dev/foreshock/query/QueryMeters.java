package dev.foreshock.query;

import dev.foreshock.StoreNames;
import dev.foreshock.Topics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The figures {@code GET /metrics} adds to the pipeline's own counters and the Kafka Streams client
 * metrics: records consumed per telemetry topic, and the approximate entries of the detectors'
 * and correlation's key-value stores on this instance.
 */
public final class QueryMeters {

  /** The key-value stores whose size is gauged (window stores are bounded by their retention). */
  public static final List<String> GAUGED_STORES = List.of(
      StoreNames.CANDIDATE_EPISODES, StoreNames.CANDIDATE_HISTORY, StoreNames.DEPENDENCIES,
      StoreNames.LEARNED_DEPENDENCIES, StoreNames.CONNECTION_PATTERNS, StoreNames.CONNECTION_DETECTOR_STATE,
      StoreNames.MEMORY_SERIES, StoreNames.MEMORY_TRENDS, StoreNames.ERROR_BASELINES, StoreNames.GAP_SOURCES);

  private QueryMeters() {}

  /**
   * Gauges {@code foreshock.store.entries{store}}: the approximate entries of each store in
   * {@link #GAUGED_STORES} over this instance's active partitions; NaN while it cannot be read.
   */
  public static void bindStoreSizes(MeterRegistry registry, StateAccess state) {
    for (String store : GAUGED_STORES) {
      Gauge.builder("foreshock.store.entries", state, s -> entries(s, store))
          .description("Approximate entries of a state store on this instance (active partitions)")
          .tag("store", store)
          .strongReference(true)
          .register(registry);
    }
  }

  /**
   * Counts {@code foreshock.records.consumed{topic}}: records this client's consumers took from each
   * telemetry topic. From the consumers' own {@code records-consumed-total}, which lives as long as
   * the stream thread: the per-task topic metrics of Kafka Streams vanish when a rebalance moves a
   * task, so a sum of those would fall. After a rebalance the new owner fetches again what the old
   * one had buffered but not processed, so the sum over instances can exceed the records produced.
   */
  public static void bindRecordsConsumed(MeterRegistry registry, KafkaStreams streams) {
    for (String topic : Topics.TELEMETRY) {
      FunctionCounter.builder("foreshock.records.consumed", streams, s -> consumed(s.metrics(), topic))
          .description("Records consumed from a telemetry topic by this instance")
          .tag("topic", topic)
          .register(registry);
    }
  }

  static double consumed(Map<MetricName, ? extends Metric> metrics, String topic) {
    // the consumer writes a topic's dots as underscores in its metric tags
    String tag = topic.replace('.', '_');
    double sum = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName name = e.getKey();
      String t = name.tags().get("topic");
      if ("records-consumed-total".equals(name.name()) && "consumer-fetch-manager-metrics".equals(name.group())
          && (topic.equals(t) || tag.equals(t)) && !name.tags().containsKey("partition")
          && e.getValue().metricValue() instanceof Number n) {
        sum += n.doubleValue();
      }
    }
    return sum;
  }

  private static double entries(StateAccess state, String store) {
    try {
      return state.localKeyValueStore(store).map(s -> (double) s.approximateNumEntries()).orElse(0.0);
    } catch (RuntimeException e) {
      // not readable now (rebalance), or not in this topology
      return Double.NaN;
    }
  }
}

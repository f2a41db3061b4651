package dev.foreshock.detect.connections;

import dev.foreshock.StateStores;
import dev.foreshock.StoreNames;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.detect.Signals;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.json.JsonSerde;
import dev.foreshock.metrics.PipelineMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The connection detectors: fleet-wide bursts of connection opens ({@code CONNECTION_BURST}),
 * bursts that recur with a stable period ({@code PERIODIC_CONNECTION_RECYCLING}, seed 001:
 * synchronised pool max-lifetime recycling) and acquire failures across instances
 * ({@code CONNECTION_FAILURES}, seed 002: stalled pools after database maintenance).
 *
 * <ul>
 *   <li><b>Key</b>: the event's {@code target}. Records are processed where they arrive, so
 *       producers must key by target as the contract says (no repartition).
 *   <li><b>Windows</b>: tumbling {@code connections.window} (5 s) per target, closed by the stream
 *       time of the connection events plus {@code connections.grace} (5 s); later records are
 *       dropped and counted as late ({@code foreshock.late.records{detector=connections}}). Each
 *       window is judged with the one before it: a 10 s span sliding by 5 s, so a burst that
 *       straddles a window boundary is seen whole.
 *   <li><b>Fleet</b>: instances with any event on the target within {@code connections.fleet.expiry}
 *       (45 min). For {@code connections.fleet.warmup} (15 min) after a target is first seen the
 *       fleet is still being discovered, so bursts and periodic recycling stay INFO.
 *   <li><b>Burst</b>: span opens at least {@code burst.min-opens} (10), {@code burst.min-ratio} (3)
 *       × the median and median + {@code burst.threshold-scales} (6) × the robust spread of recent
 *       non-burst spans, from at least {@code burst.min-instances} (3) instances and
 *       {@code burst.min-fleet-fraction} (0.3) of the fleet. INFO below
 *       {@code burst.warning-fleet-fraction} (0.4), CRITICAL from
 *       {@code burst.critical-fleet-fraction} (0.75). Emitted when the burst ends (one signal
 *       per burst); cleared after {@code burst.clear-after} (40 min) or 2.5 periods without one.
 *   <li><b>Periodic recycling</b>: at least {@code period.min-bursts} (3) bursts on a grid of one
 *       period ({@code period.tolerance} 5 %, one missing burst at a time allowed), period in
 *       [{@code period.min}, {@code period.max}] (5 min, 2 h), no more bursts off the grid than on it. Severity from the fleet share of
 *       the last two bursts on the grid (WARNING from 0.4, CRITICAL from 0.7), one level up when
 *       acquire failures came with the bursts. Emitted at each new burst on the grid; cleared after
 *       {@code period.clear-after-periods} (2.5) periods without one.
 *   <li><b>Acquire failures</b>: span failures at least {@code failures.min} (5), 3 × the median
 *       and median + 6 × spread, from at least {@code failures.min-instances} (2) instances;
 *       INFO below 20 % of the fleet failing, CRITICAL from 50 %. Emitted at the onset (the span
 *       that crosses, within ~15 s) and when the severity rises; cleared after
 *       {@code failures.clear-after} (2 min) at baseline.
 *   <li><b>Stores</b>: {@link StoreNames#CONNECTION_WINDOWS} (per-window figures,
 *       {@link ConnectionWindowFigures}), {@link StoreNames#CONNECTION_PATTERNS} (current bursts,
 *       period and failures per target, {@link ConnectionPattern}),
 *       {@link StoreNames#CONNECTION_DETECTOR_STATE} (checkpoints, {@link ConnectionDetectorState}).
 *       Only the query API reads the windows; patterns and checkpoints are what a restart resumes
 *       from. All three are left out with {@link dev.foreshock.StateStores.Scope#DETECTION_ONLY}
 *       (offline backtest).
 *   <li><b>Output</b>: {@link CandidateSignal}s keyed by target, to {@link Signals}; the last
 *       active signal of an open episode is re-sent after {@code connections.refresh} (10 min)
 *       without one, so that the correlator does not take it as stale.
 * </ul>
 */
public final class ConnectionDetectors {

  private final ConnectionSettings settings;
  private final PipelineMetrics metrics;
  private final StateStores stores;

  public ConnectionDetectors(ConnectionSettings settings, PipelineMetrics metrics, StateStores stores) {
    this.settings = settings;
    this.metrics = metrics;
    this.stores = stores;
  }

  /** Adds the detector's processors and stores to {@code builder} and its signals to {@code signals}. */
  public void addTo(StreamsBuilder builder, Telemetry telemetry, Signals signals) {
    // connection-windows: only the query API reads it; connection-patterns: the query API and a
    // restart; connection-detector-state: a restart. An offline backtest needs none of them.
    boolean keepWindows = stores.forQueries();
    boolean keepCheckpoints = stores.forQueries() || stores.forRestarts();
    List<String> names = new ArrayList<>(3);
    if (keepWindows) {
      builder.addStateStore(Stores.windowStoreBuilder(
          stores.window(StoreNames.CONNECTION_WINDOWS, settings.storeRetention(), settings.window()),
          Serdes.String(), new JsonSerde<>(ConnectionWindowFigures.class)));
      names.add(StoreNames.CONNECTION_WINDOWS);
    }
    if (keepCheckpoints) {
      builder.addStateStore(Stores.keyValueStoreBuilder(
          Stores.inMemoryKeyValueStore(StoreNames.CONNECTION_PATTERNS),
          Serdes.String(), new JsonSerde<>(ConnectionPattern.class)));
      builder.addStateStore(Stores.keyValueStoreBuilder(
          Stores.inMemoryKeyValueStore(StoreNames.CONNECTION_DETECTOR_STATE),
          Serdes.String(), new JsonSerde<>(ConnectionDetectorState.class)));
      names.add(StoreNames.CONNECTION_PATTERNS);
      names.add(StoreNames.CONNECTION_DETECTOR_STATE);
    }
    KStream<String, CandidateSignal> out = telemetry.connections().process(
        () -> new ConnectionProcessor(settings, metrics, keepWindows, keepCheckpoints),
        Named.as("connection-detectors"), names.toArray(new String[0]));
    signals.add(out);
  }
}

package dev.foreshock.detect.gaps;

import dev.foreshock.StateStores;
import dev.foreshock.StoreNames;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.detect.Signals;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.json.JsonSerde;
import dev.foreshock.metrics.PipelineMetrics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The telemetry gap detector ({@code TELEMETRY_GAP}, seed 000: the logging that relied on the
 * failing Redis went silent and nothing noticed).
 *
 * <ul>
 *   <li><b>Sources</b>: request stats per service (subject = service) and per instance (subject =
 *       the instance name, as in the telemetry; correlation relates it to its service), memory
 *       samples per resource (subject = resource). Change events are read for scale-downs.
 *   <li><b>Cadence</b>: the longest of a source's last 16 intervals between reports; a source is
 *       steady after {@code gaps.min-samples} (12) intervals in a row without a gap.
 *   <li><b>Threshold</b>: silent for {@code max(gaps.floor, gaps.multiple * cadence)} (2 min, 3x);
 *       instances {@code gaps.group-window} (2 min) later. WARNING, CRITICAL from
 *       {@code gaps.critical-after} (10 min); instances INFO. Cleared by the next record.
 *   <li><b>Not flagged</b>: a source silent within {@code gaps.change-window} (30 min) after a
 *       {@code gaps.scale-kinds} change on it or its service; instances after a
 *       {@code gaps.replace-kinds} change on their service, instances of a silent service, and
 *       instances that stopped together ({@code gaps.group-window}); sources never steady.
 *   <li><b>Time</b>: checked every {@code gaps.check-interval} (10 s) of stream time (backtests:
 *       the other sources move event time on; the three topics are merged into one processor so
 *       that it sees them all, but a task sees only its own partitions) and of wall-clock time
 *       (live: wall-clock silence since the last record's arrival, only for sources whose records
 *       arrive within {@code gaps.wall-clock-max-lag} of their event time, so a replay of old data
 *       is never judged by the wall clock).
 *   <li><b>State</b>: every source in {@link StoreNames#GAP_SOURCES} (query API, restarts); at
 *       most {@code gaps.cache.entries} (10,000) recently heard sources per task also in memory,
 *       written to the store once a minute, on eviction and at a clean close (only on eviction with
 *       {@link dev.foreshock.StateStores.Scope#DETECTION_ONLY}: an offline backtest never restarts). With more sources than that, each check
 *       also judges stored sources that are not held, in a rolling sweep (two per record since the
 *       last check, 500 to {@code gaps.sweep-entries} = 5,000). Sources silent for {@code gaps.forget-after} (24 h) are forgotten.
 *   <li><b>Output</b>: {@link CandidateSignal}s keyed by subject, on change and re-sent every
 *       {@code gaps.resend-every} (10 min) while a gap lasts, evidence
 *       {@code expectedIntervalSeconds}, {@code silentSeconds}.
 * </ul>
 */
public final class TelemetryGapDetector {

  private final GapSettings settings;
  private final PipelineMetrics metrics;
  private final StateStores stores;

  public TelemetryGapDetector(GapSettings settings, PipelineMetrics metrics, StateStores stores) {
    this.settings = settings;
    this.metrics = metrics;
    this.stores = stores;
  }

  /** Adds the detector's processors and stores to {@code builder} and its signals to {@code signals}. */
  public void addTo(StreamsBuilder builder, Telemetry telemetry, Signals signals) {
    builder.addStateStore(Stores.keyValueStoreBuilder(
            stores.keyValue(StoreNames.GAP_SOURCES), Serdes.String(),
            new JsonSerde<>(SourceCadence.class))
        .withCachingEnabled());
    // One processor sees all watched telemetry, so that any of it moves the stream time it checks by.
    KStream<String, SpecificRecord> watched = telemetry.requests()
        .mapValues(v -> (SpecificRecord) v, Named.as("gap-watch-requests"))
        .merge(telemetry.memory().mapValues(v -> (SpecificRecord) v, Named.as("gap-watch-memory")),
            Named.as("gap-merge-memory"))
        .merge(telemetry.changes().mapValues(v -> (SpecificRecord) v, Named.as("gap-watch-changes")),
            Named.as("gap-merge-changes"));
    KStream<String, CandidateSignal> gaps = watched.process(
        () -> new TelemetryGapProcessor(settings, StoreNames.GAP_SOURCES, stores.forRestarts()), Named.as("telemetry-gaps"),
        StoreNames.GAP_SOURCES);
    signals.add(gaps);
  }
}

package dev.foreshock.detect.errors;

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
 * The error-rate spike detector ({@code ERROR_RATE_SPIKE}, seeds 000 and 002).
 *
 * <ul>
 *   <li><b>Key</b>: the {@code service} of each {@code RequestStats} (the contract keys the topic
 *       by service, so a service's records are in one partition; no repartition).
 *   <li><b>Window</b>: tumbling {@code errors.window} (30 s), summing {@code requests} and
 *       {@code errors} (5xx) over all instances; a record counts in the window holding the last
 *       millisecond of its interval ({@code ts - 1}). Closed by stream time after
 *       {@code errors.grace} (15 s); later records are dropped and counted as late
 *       ({@code foreshock.late.records{detector=errors}}).
 *   <li><b>Baseline</b>: the median ratio of the service's last {@code errors.baseline-windows}
 *       (120) calm windows with at least {@code errors.min-requests} (100) requests; windows of a
 *       spike never enter it. No judgement before {@code errors.min-baseline-windows} (10).
 *   <li><b>Thresholds</b>: ratio at least {@code errors.min-jump} (0.05) above the baseline, at
 *       least {@code errors.min-factor} (2) times it, binomial z-score at least
 *       {@code errors.z-threshold} (5). CRITICAL when the jump is at least
 *       {@code errors.critical-jump} (0.20), WARNING otherwise. Cleared after
 *       {@code errors.clear-windows} (3) windows within {@code min-jump / 2} of the baseline.
 *   <li><b>Output</b>: {@link CandidateSignal}s keyed by service, on change and re-sent every
 *       {@code errors.resend-every} (10 min) while a spike lasts, evidence {@code errorRatio},
 *       {@code baselineRatio}, {@code requests}, {@code errors}.
 *   <li><b>Stores</b>: {@link StoreNames#ERROR_WINDOWS} (per-window figures, one row per service
 *       and window written when the window is judged, retention {@code errors.retention}; only the
 *       query API reads it) and {@link StoreNames#ERROR_BASELINES} (per-service baseline, for the
 *       query API and a restart). Both are left out with
 *       {@link dev.foreshock.StateStores.Scope#DETECTION_ONLY} (offline backtest).
 * </ul>
 */
public final class ErrorRateDetector {

  static final String WINDOWS_STORE = StoreNames.ERROR_WINDOWS;
  static final String BASELINES_STORE = StoreNames.ERROR_BASELINES;

  private final ErrorRateSettings settings;
  private final PipelineMetrics metrics;
  private final StateStores stores;

  public ErrorRateDetector(ErrorRateSettings settings, PipelineMetrics metrics, StateStores stores) {
    this.settings = settings;
    this.metrics = metrics;
    this.stores = stores;
  }

  /** Adds the detector's processors and stores to {@code builder} and its signals to {@code signals}. */
  public void addTo(StreamsBuilder builder, Telemetry telemetry, Signals signals) {
    // error-windows: only the query API reads it; error-baselines: the query API and a restart
    boolean keepWindows = stores.forQueries();
    boolean keepBaselines = stores.forQueries() || stores.forRestarts();
    List<String> names = new ArrayList<>(2);
    if (keepWindows) {
      // each window is written once, when judged: nothing for a cache to fold
      builder.addStateStore(Stores.windowStoreBuilder(
          stores.window(WINDOWS_STORE, settings.retention(), settings.window()),
          Serdes.String(), new JsonSerde<>(ErrorWindow.class)));
      names.add(WINDOWS_STORE);
    }
    if (keepBaselines) {
      builder.addStateStore(Stores.keyValueStoreBuilder(
              stores.keyValue(BASELINES_STORE), Serdes.String(), new JsonSerde<>(ErrorBaseline.class))
          .withCachingEnabled());
      names.add(BASELINES_STORE);
    }
    KStream<String, CandidateSignal> spikes = telemetry.requests()
        .process(() -> new ErrorRateProcessor(settings, metrics, keepWindows, keepBaselines),
            Named.as("error-rate-spikes"), names.toArray(new String[0]));
    signals.add(spikes);
  }
}

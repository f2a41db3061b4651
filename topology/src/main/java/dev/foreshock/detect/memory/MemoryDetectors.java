package dev.foreshock.detect.memory;

import dev.foreshock.StateStores;
import dev.foreshock.StoreNames;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.detect.Signals;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.json.JsonSerde;
import dev.foreshock.metrics.PipelineMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.KeyValue;
import java.time.Duration;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The memory detectors: {@code MEMORY_GROWTH} (a sustained rise of the lower envelope that will
 * reach the limit) and {@code MEMORY_RAPID_RISE} (a climb that reaches the limit within minutes).
 * The logic is in {@link MemoryAnalyzer} and {@link TrendMath}; this class wires it into the topology.
 *
 * <ul>
 *   <li>Key: the resource (as produced, no repartition). Several hosts of one resource form one
 *       series: at each sample the fullest host (highest used/max, or used without a max) among
 *       those heard within {@code memory.host-expiry} (5 min) counts, since it fails first.
 *   <li>Window: samples are downsampled into {@code memory.window} (1 min) windows (min, max,
 *       mean, last, count); no grace: a sample older than the open window is dropped and counted
 *       as late. Windows fold into the buckets of each horizon ({@code memory.horizons}, default
 *       1 h, 1 d, 7 d; {@code memory.horizon-points} = 84 buckets each, e.g. 2 h for 7 d).
 *   <li>Growth (judged on the longest horizon, once per bucket): the lower envelope (bucket
 *       minima) since its hinge change point (at least {@code memory.growth.min-span} = 24 h ago)
 *       rises by Theil–Sen slope, with r2 &ge; 0.6, the level rising too, both halves rising, and a
 *       line fitting better than a single step; the projection from the recent peaks to
 *       {@code maxBytes} gives CRITICAL within {@code memory.growth.leeway} (72 h), WARNING within
 *       {@code memory.growth.warn-within} (30 d). Opens after {@code memory.growth.persistence} (2)
 *       agreeing evaluations, clears after {@code memory.growth.clear-after} (12 h) without growth;
 *       re-emitted when severity changes or the projected exhaustion moves by 25% of the time left.
 *   <li>Fast growth (shortest horizon, every minute, after a day of history): the rolling 15-min
 *       minimum of the last hour is a clean line (r2 &ge; 0.9), above the day before's peak by 5%
 *       of the limit, reaching it within {@code memory.growth.fast-within} (12 h): MEMORY_GROWTH
 *       with horizon 1 h.
 *   <li>Rapid rise (per sample): over the last {@code memory.rapid.window} (60 s) of samples, a
 *       straight climb (r2 &ge; 0.8, still climbing in its recent half) of at least 10% of the
 *       limit, above the highest level of the last hour by 5% of the limit, reaching the limit
 *       within {@code memory.rapid.horizon} (15 min): CRITICAL. Clears when back below that level or
 *       after {@code memory.rapid.clear-after} (30 min) without a climb.
 *   <li>Without {@code maxBytes} there is no exhaustion: no candidate, but the trends are kept.
 *   <li>Output: {@link CandidateSignal}s keyed by resource; stores {@link StoreNames#MEMORY_WINDOWS}
 *       ({@link MemoryWindow}, retention {@code memory.window-retention} = 48 h) and
 *       {@link StoreNames#MEMORY_TRENDS} ({@link MemoryTrendView}) for the query API.
 * </ul>
 */
public final class MemoryDetectors {

  /** The working state is written back every this many closed windows (and on every signal). */
  static final int SAVE_EVERY_WINDOWS = 5;

  private final MemorySettings settings;
  private final PipelineMetrics metrics;
  private final StateStores stores;

  public MemoryDetectors(MemorySettings settings, PipelineMetrics metrics, StateStores stores) {
    this.settings = settings;
    this.metrics = metrics;
    this.stores = stores;
  }

  /** Adds the detector's processors and stores to {@code builder} and its signals to {@code signals}. */
  public void addTo(StreamsBuilder builder, Telemetry telemetry, Signals signals) {
    builder.addStateStore(Stores.keyValueStoreBuilder(stores.keyValue(StoreNames.MEMORY_SERIES),
        Serdes.String(), new JsonSerde<>(MemorySeries.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(stores.keyValue(StoreNames.MEMORY_TRENDS),
        Serdes.String(), new JsonSerde<>(MemoryTrendView.class)));
    builder.addStateStore(Stores.windowStoreBuilder(
        stores.window(StoreNames.MEMORY_WINDOWS, settings.windowRetention(), settings.window()),
        Serdes.String(), new JsonSerde<>(MemoryWindow.class)));
    KStream<String, CandidateSignal> out = telemetry.memory().processValues(
        () -> new MemoryProcessor(settings, metrics), Named.as("memory-detectors"),
        StoreNames.MEMORY_SERIES, StoreNames.MEMORY_TRENDS, StoreNames.MEMORY_WINDOWS);
    signals.add(out);
  }

  /**
   * Loads a resource's series once per task and keeps it in memory; writes it back to the
   * changelogged store every {@value #SAVE_EVERY_WINDOWS} closed windows and whenever it emits a
   * signal (a restart therefore loses at most that many windows of samples, never a signal state).
   */
  private static final class MemoryProcessor implements FixedKeyProcessor<String, MemorySample, CandidateSignal> {

    private final MemoryAnalyzer analyzer;
    private final PipelineMetrics metrics;
    private final long idleExpiryMs;
    private final Map<String, MemorySeries> cache = new HashMap<>();
    private final Map<String, Integer> unsaved = new HashMap<>();
    private final List<CandidateSignal> pending = new ArrayList<>();
    private FixedKeyProcessorContext<String, CandidateSignal> context;
    private KeyValueStore<String, MemorySeries> series;
    private KeyValueStore<String, MemoryTrendView> trends;
    private WindowStore<String, MemoryWindow> windows;
    private boolean windowClosed;

    private final MemoryAnalyzer.Sink sink = new MemoryAnalyzer.Sink() {
      @Override
      public void window(MemoryWindow w) {
        windows.put(w.resource(), w, w.windowStart());
        windowClosed = true;
      }

      @Override
      public void trends(MemoryTrendView view) {
        trends.put(view.resource(), view);
      }

      @Override
      public void signal(CandidateSignal signal) {
        pending.add(signal);
      }
    };

    MemoryProcessor(MemorySettings settings, PipelineMetrics metrics) {
      this.analyzer = new MemoryAnalyzer(settings);
      this.metrics = metrics;
      this.idleExpiryMs = settings.idleExpiry().toMillis();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, CandidateSignal> context) {
      this.context = context;
      this.series = context.getStateStore(StoreNames.MEMORY_SERIES);
      this.trends = context.getStateStore(StoreNames.MEMORY_TRENDS);
      this.windows = context.getStateStore(StoreNames.MEMORY_WINDOWS);
      // stream time, so that a backtest forgets idle resources exactly as a live run would
      context.schedule(Duration.ofHours(1), PunctuationType.STREAM_TIME, this::forgetIdle);
    }

    /** Deletes the state and trends of resources that have not reported for the idle expiry. */
    private void forgetIdle(long streamTime) {
      long before = streamTime - idleExpiryMs;
      List<String> idle = new ArrayList<>();
      try (KeyValueIterator<String, MemorySeries> it = series.all()) {
        while (it.hasNext()) {
          KeyValue<String, MemorySeries> kv = it.next();
          MemorySeries cached = cache.get(kv.key);
          long lastTs = cached != null ? cached.lastTs : kv.value.lastTs;
          if (lastTs < before) {
            idle.add(kv.key);
          }
        }
      }
      cache.forEach((resource, s) -> {
        if (s.lastTs < before && !idle.contains(resource)) {
          idle.add(resource);
        }
      });
      for (String resource : idle) {
        series.delete(resource);
        trends.delete(resource);
        cache.remove(resource);
        unsaved.remove(resource);
      }
    }

    @Override
    public void process(FixedKeyRecord<String, MemorySample> record) {
      MemorySample m = record.value();
      String resource = m.getResource();
      MemorySeries s = cache.get(resource);
      if (s == null) {
        s = series.get(resource);
        if (s == null || !analyzer.fits(s)) {
          s = analyzer.newSeries(resource);
        }
        cache.put(resource, s);
      }
      windowClosed = false;
      long limit = m.getMaxBytes() == null ? 0 : m.getMaxBytes();
      if (!analyzer.observe(s, m.getTs(), m.getHost(), m.getUsedBytes(), limit, sink)) {
        metrics.lateRecord("memory");
        return;
      }
      if (windowClosed || !pending.isEmpty()) {
        int n = unsaved.merge(resource, 1, Integer::sum);
        if (!pending.isEmpty() || n >= SAVE_EVERY_WINDOWS) {
          series.put(resource, s);
          unsaved.put(resource, 0);
        }
      }
      for (CandidateSignal signal : pending) {
        context.forward(record.withValue(signal).withTimestamp(signal.ts()));
      }
      pending.clear();
    }
  }
}

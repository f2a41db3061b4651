package dev.foreshock.detect.memory;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.foreshock.StateStores;
import dev.foreshock.StoreNames;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.detect.BoundedCache;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.detect.Signals;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.json.JsonSerde;
import dev.foreshock.metrics.PipelineMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
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
 *       line fitting better than a single step; the projection of the typical peaks (bucket mean
 *       + sqrt(3) sd, per time of day) to {@code maxBytes}, bucket by bucket with the growth of the
 *       same time of the week before, gives CRITICAL within {@code memory.growth.leeway} (72 h), WARNING within
 *       {@code memory.growth.warn-within} (30 d). Opens after {@code memory.growth.persistence} (2)
 *       agreeing evaluations, clears after {@code memory.growth.clear-after} (12 h) without growth;
 *       re-emitted when severity changes or the projected exhaustion moves by 25% of the time left.
 *   <li>Fast growth (shortest horizon, every minute, after a day of history): the rolling 15-min
 *       minimum of the last hour is a clean line (r2 &ge; 0.8), above the whole week's peak by 5%
 *       of the limit, reaching it within {@code memory.growth.fast-within} (12 h), held 30 min
 *       while the envelope gained at least half the slope: MEMORY_GROWTH with horizon 1 h.
 *   <li>Rapid rise (per sample): over the last {@code memory.rapid.window} (60 s) of samples, a
 *       straight climb (r2 &ge; 0.8, still climbing in its recent half) of at least 10% of the
 *       limit, above the highest level of the last hour by 5% of the limit, reaching the limit
 *       within {@code memory.rapid.horizon} (15 min): CRITICAL. Clears when back below that level or
 *       after {@code memory.rapid.clear-after} (30 min) without a climb.
 *   <li>Without {@code maxBytes} there is no exhaustion: no candidate, but the trends are kept.
 *   <li>Output: {@link CandidateSignal}s keyed by resource; stores {@link StoreNames#MEMORY_WINDOWS}
 *       ({@link MemoryWindow}, one row per resource and closed window, retention
 *       {@code memory.window-retention} = 48 h) and {@link StoreNames#MEMORY_TRENDS}
 *       ({@link MemoryTrendView}, rewritten only when a horizon is refitted or a severity or the
 *       limit changes: the latest figures come from the newest window) for the query API only, so
 *       {@link dev.foreshock.StateStores.Scope#DETECTION_ONLY} (offline backtest) leaves them out.
 * </ul>
 */
public final class MemoryDetectors {

  private static final JsonSerde<MemorySeries> CODEC = new JsonSerde<>(MemorySeries.class);

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
    // the series as the bytes a JsonSerde<MemorySeries> writes, so that the hourly idle scan reads
    // each one's lastTs without decoding its rings
    builder.addStateStore(Stores.keyValueStoreBuilder(stores.keyValue(StoreNames.MEMORY_SERIES),
        Serdes.String(), Serdes.ByteArray()));
    // memory-trends and memory-windows: only the query API reads them (an offline backtest leaves
    // them out); memory-series is reloaded after eviction, so it is always there
    boolean forQueries = stores.forQueries();
    boolean forRestarts = stores.forRestarts();
    if (forQueries) {
      builder.addStateStore(Stores.keyValueStoreBuilder(stores.keyValue(StoreNames.MEMORY_TRENDS),
          Serdes.String(), new JsonSerde<>(MemoryTrendView.class)));
      builder.addStateStore(Stores.windowStoreBuilder(
          stores.window(StoreNames.MEMORY_WINDOWS, settings.windowRetention(), settings.window()),
          Serdes.String(), new JsonSerde<>(MemoryWindow.class)));
    }
    String[] names = forQueries
        ? new String[] {StoreNames.MEMORY_SERIES, StoreNames.MEMORY_TRENDS, StoreNames.MEMORY_WINDOWS}
        : new String[] {StoreNames.MEMORY_SERIES};
    KStream<String, CandidateSignal> out = telemetry.memory().processValues(
        () -> new MemoryProcessor(settings, metrics, forQueries, forRestarts), Named.as("memory-detectors"), names);
    signals.add(out);
  }

  /**
   * Holds the series of at most {@code memory.cache.entries} recently seen resources per task in
   * memory ({@link BoundedCache}); the rest live only in the changelogged {@code memory-series}
   * store, and a resource that is not held is loaded from there. A held series is written back
   * every {@value #SAVE_EVERY_WINDOWS} closed windows, whenever it emits a signal, and when it is
   * evicted with unsaved samples: a restart loses at most that many windows of samples, never a
   * signal state, and eviction loses nothing (the reloaded series continues exactly). Without
   * restarts (an offline backtest) a series is written on eviction only.
   */
  private static final class MemoryProcessor implements FixedKeyProcessor<String, MemorySample, CandidateSignal> {

    /** A held series and the closed windows since it was last written back. */
    private static final class Held {
      final MemorySeries series;
      int unsavedWindows;
      boolean dirty;
      /** the trend view last written to memory-trends (null: none since held) */
      MemoryTrendView writtenTrends;

      Held(MemorySeries series) {
        this.series = series;
      }
    }

    private final MemoryAnalyzer analyzer;
    private final PipelineMetrics metrics;
    private final long idleExpiryMs;
    private final boolean forQueries;
    private final boolean forRestarts;
    /** the series being processed (whose trends the sink receives) */
    private Held current;
    private final BoundedCache<String, Held> cache;
    private final List<CandidateSignal> pending = new ArrayList<>();
    private FixedKeyProcessorContext<String, CandidateSignal> context;
    private KeyValueStore<String, byte[]> series;
    private final Serializer<MemorySeries> encoder = CODEC.serializer();
    private final Deserializer<MemorySeries> decoder = CODEC.deserializer();
    private KeyValueStore<String, MemoryTrendView> trends;
    private WindowStore<String, MemoryWindow> windows;
    private boolean windowClosed;

    private final MemoryAnalyzer.Sink sink = new MemoryAnalyzer.Sink() {
      @Override
      public void window(MemoryWindow w) {
        if (forQueries) {
          windows.put(w.resource(), w, w.windowStart());
        }
        windowClosed = true;
      }

      @Override
      public void trends(MemoryTrendView view) {
        // The latest figures (ts, last used bytes, limit, used fraction) are those of the newest
        // window, which the query API reads from memory-windows: the row is rewritten only when
        // what it alone holds changes (a refitted horizon, a severity, the limit).
        if (forQueries && !sameTrends(current.writtenTrends, view)) {
          trends.put(view.resource(), view);
          current.writtenTrends = view;
        }
      }

      @Override
      public void signal(CandidateSignal signal) {
        pending.add(signal);
      }
    };

    /**
     * @param forQueries whether memory-trends and memory-windows are in the topology
     * @param forRestarts whether the series are checkpointed for a restart (else written only on eviction)
     */
    MemoryProcessor(MemorySettings settings, PipelineMetrics metrics, boolean forQueries, boolean forRestarts) {
      this.forQueries = forQueries;
      this.forRestarts = forRestarts;
      this.analyzer = new MemoryAnalyzer(settings, forQueries);
      this.metrics = metrics;
      this.idleExpiryMs = settings.idleExpiry().toMillis();
      this.cache = new BoundedCache<>(settings.cacheEntries(), this::evicted);
    }

    @Override
    public void init(FixedKeyProcessorContext<String, CandidateSignal> context) {
      this.context = context;
      this.series = context.getStateStore(StoreNames.MEMORY_SERIES);
      if (forQueries) {
        this.trends = context.getStateStore(StoreNames.MEMORY_TRENDS);
        this.windows = context.getStateStore(StoreNames.MEMORY_WINDOWS);
      }
      // stream time, so that a backtest forgets idle resources exactly as a live run would
      context.schedule(Duration.ofHours(1), PunctuationType.STREAM_TIME, this::forgetIdle);
    }

    /** An evicted series with unsaved samples goes back to the store, so that a reload continues it. */
    private void evicted(String resource, Held held) {
      if (held.dirty) {
        save(resource, held.series);
      }
    }

    /**
     * Deletes the state and trends of resources that have not reported for the idle expiry: those
     * in the store (held ones by their newer state in memory) and those only in memory.
     */
    private void forgetIdle(long streamTime) {
      long before = streamTime - idleExpiryMs;
      List<String> idle = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> it = series.all()) {
        while (it.hasNext()) {
          KeyValue<String, byte[]> kv = it.next();
          Held held = cache.peek(kv.key);
          long lastTs = held != null ? held.series.lastTs : lastTs(kv.value);
          if (lastTs < before) {
            idle.add(kv.key);
          }
        }
      }
      cache.removeIf((resource, held) -> {
        if (held.series.lastTs < before) {
          idle.add(resource); // (one already found in the store is deleted twice: harmless)
          return true;
        }
        return false;
      });
      for (String resource : idle) {
        series.delete(resource);
        if (forQueries) {
          trends.delete(resource);
        }
      }
    }

    /** Whether {@code next} holds what {@code written} does, but for the latest figures of the newest window. */
    private static boolean sameTrends(MemoryTrendView written, MemoryTrendView next) {
      return written != null && written.rapidRise() == next.rapidRise()
          && Objects.equals(written.growthSeverity(), next.growthSeverity())
          && Objects.equals(written.limitBytes(), next.limitBytes())
          && written.horizons().equals(next.horizons());
    }

    private void save(String resource, MemorySeries s) {
      series.put(resource, encoder.serialize(StoreNames.MEMORY_SERIES, s));
    }

    /** A stored series' {@code lastTs}, read without decoding the rest (it comes third). */
    private long lastTs(byte[] json) {
      try (JsonParser p = JsonSerde.parser(json)) {
        if (p.nextToken() == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("lastTs")) {
              return p.getLongValue();
            }
            p.skipChildren();
          }
        }
      } catch (IOException e) {
        // fall through to the full decoding, which names the problem
      }
      return decoder.deserialize(StoreNames.MEMORY_SERIES, json).lastTs;
    }

    @Override
    public void process(FixedKeyRecord<String, MemorySample> record) {
      MemorySample m = record.value();
      String resource = m.getResource();
      Held held = cache.get(resource);
      if (held == null) {
        byte[] stored = series.get(resource);
        MemorySeries s = stored == null ? null : analyzer.adopt(decoder.deserialize(StoreNames.MEMORY_SERIES, stored));
        if (s == null) {
          s = analyzer.newSeries(resource);
        }
        held = new Held(s);
        cache.put(resource, held);
      }
      MemorySeries s = held.series;
      current = held;
      windowClosed = false;
      long limit = m.getMaxBytes() == null ? 0 : m.getMaxBytes();
      if (!analyzer.observe(s, m.getTs(), m.getHost(), m.getUsedBytes(), limit, sink)) {
        metrics.lateRecord("memory");
        return;
      }
      held.dirty = true;
      if (forRestarts && (windowClosed || !pending.isEmpty())) {
        held.unsavedWindows++;
        if (!pending.isEmpty() || held.unsavedWindows >= SAVE_EVERY_WINDOWS) {
          save(resource, s);
          held.unsavedWindows = 0;
          held.dirty = false;
        }
      }
      for (CandidateSignal signal : pending) {
        context.forward(record.withValue(signal).withTimestamp(signal.ts()));
      }
      pending.clear();
    }
  }
}

package dev.foreshock.detect.errors;

import dev.foreshock.avro.RequestStats;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.metrics.PipelineMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sums request stats per service into tumbling windows, and when stream time has passed a
 * window's end plus the grace, judges it against the service's baseline (key-value store) and
 * forwards a {@link CandidateSignal} when the spike state changes.
 *
 * <p>Open windows are summed in memory (a hash lookup and two additions per record) and written
 * to the window store on every check (a sixth of a window of stream time) and when judged, so
 * that the query API sees them and a restart resumes from them; after a crash, at most the sums
 * of one check interval that had already been committed are missing from an open window.
 */
final class ErrorRateProcessor implements Processor<String, RequestStats, String, CandidateSignal> {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorRateProcessor.class);

  private final ErrorRateSettings settings;
  private final SpikeRule rule;
  private final PipelineMetrics metrics;
  private final long size;
  private final long grace;
  /** service -> its open (not yet judged) windows */
  private final Map<String, List<OpenWindow>> open = new HashMap<>();
  /** services that have an entry in the baseline store */
  private final Set<String> known = new HashSet<>();
  private ProcessorContext<String, CandidateSignal> context;
  private WindowStore<String, ErrorWindow> windows;
  private KeyValueStore<String, ErrorBaseline> baselines;

  /** Running sums of one open window. */
  private static final class OpenWindow {
    final long start;
    long requests;
    long errors;
    boolean dirty;

    OpenWindow(long start, long requests, long errors) {
      this.start = start;
      this.requests = requests;
      this.errors = errors;
    }
  }

  ErrorRateProcessor(ErrorRateSettings settings, PipelineMetrics metrics) {
    this.settings = settings;
    this.rule = new SpikeRule(settings);
    this.metrics = metrics;
    this.size = settings.window().toMillis();
    this.grace = settings.grace().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, CandidateSignal> context) {
    this.context = context;
    this.windows = context.getStateStore(ErrorRateDetector.WINDOWS_STORE);
    this.baselines = context.getStateStore(ErrorRateDetector.BASELINES_STORE);
    // After a restart: resume the windows that were open, from their last written sums.
    List<KeyValue<String, Long>> services = new ArrayList<>();
    try (KeyValueIterator<String, ErrorBaseline> all = baselines.all()) {
      all.forEachRemaining(kv -> services.add(KeyValue.pair(kv.key, kv.value.closedUpTo())));
    }
    for (KeyValue<String, Long> service : services) {
      known.add(service.key);
      long from = Math.max(service.value, 0L);
      try (WindowStoreIterator<ErrorWindow> it = windows.fetch(service.key, from, Long.MAX_VALUE - size)) {
        it.forEachRemaining(kv -> {
          if (!kv.value.closed()) {
            open.computeIfAbsent(service.key, k -> new ArrayList<>(2))
                .add(new OpenWindow(kv.key, kv.value.requests(), kv.value.errors()));
          }
        });
      }
    }
    // Windows close by stream time: a check every sixth of a window keeps the delay small.
    long every = Math.max(1_000L, Math.min(size / 6, 10_000L));
    context.schedule(Duration.ofMillis(every), PunctuationType.STREAM_TIME, this::closeWindows);
    long forgetEvery = Math.max(60_000L, settings.idleExpiry().toMillis() / 24);
    context.schedule(Duration.ofMillis(forgetEvery), PunctuationType.STREAM_TIME, this::forgetIdle);
  }

  @Override
  public void process(Record<String, RequestStats> record) {
    RequestStats stats = record.value();
    // ts is the end of the reporting interval: the interval belongs to the window of its last millisecond
    long start = Math.floorDiv(record.timestamp() - 1, size) * size;
    if (start + size + grace <= context.currentStreamTimeMs()) {
      metrics.lateRecord("errors");
      return;
    }
    List<OpenWindow> service = open.get(stats.getService());
    if (service == null) {
      service = new ArrayList<>(2);
      open.put(stats.getService(), service);
    }
    OpenWindow w = null;
    for (int i = 0; i < service.size(); i++) {
      if (service.get(i).start == start) {
        w = service.get(i);
        break;
      }
    }
    if (w == null) {
      w = new OpenWindow(start, 0, 0);
      service.add(w);
    }
    w.requests += stats.getRequests();
    w.errors += stats.getErrors();
    w.dirty = true;
  }

  private void closeWindows(long streamTime) {
    long bound = streamTime - grace; // windows ending at or before this are complete
    long firstOpen = Math.floorDiv(bound - size, size) * size + size;
    Iterator<Map.Entry<String, List<OpenWindow>>> it = open.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, List<OpenWindow>> e = it.next();
      String service = e.getKey();
      List<OpenWindow> ws = e.getValue();
      if (known.add(service)) {
        baselines.put(service, SpikeTracker.fresh(settings, rule).snapshot(service));
      }
      List<OpenWindow> due = null;
      for (OpenWindow w : ws) {
        if (w.start < firstOpen) {
          if (due == null) {
            due = new ArrayList<>(2);
          }
          due.add(w);
        } else if (w.dirty) {
          w.dirty = false;
          windows.put(service, ErrorWindow.open(w.start, w.start + size, w.requests, w.errors), w.start);
        }
      }
      if (due != null) {
        ws.removeAll(due);
        due.sort((a, b) -> Long.compare(a.start, b.start));
        judge(service, due, firstOpen, streamTime);
      }
      if (ws.isEmpty()) {
        it.remove();
      }
    }
  }

  private void judge(String service, List<OpenWindow> due, long firstOpen, long streamTime) {
    ErrorBaseline stored = baselines.get(service);
    SpikeTracker tracker = stored == null
        ? SpikeTracker.fresh(settings, rule)
        : SpikeTracker.restore(stored, settings, rule);
    for (OpenWindow o : due) {
      if (o.start < tracker.closedUpTo()) {
        continue; // judged before a restart
      }
      ErrorWindow w = ErrorWindow.open(o.start, o.start + size, o.requests, o.errors);
      windows.put(service, w.judged(tracker.baseline()), o.start);
      CandidateSignal signal = tracker.judge(service, w, streamTime);
      if (signal != null) {
        context.forward(new Record<>(service, signal, streamTime));
      }
    }
    tracker.closedUpTo(firstOpen);
    baselines.put(service, tracker.snapshot(service));
  }

  /** Bounded state: a service with no request stats for {@code idleExpiry} is forgotten. */
  private void forgetIdle(long streamTime) {
    long cutoff = streamTime - settings.idleExpiry().toMillis();
    List<ErrorBaseline> idle = new ArrayList<>();
    try (KeyValueIterator<String, ErrorBaseline> all = baselines.all()) {
      while (all.hasNext()) {
        KeyValue<String, ErrorBaseline> kv = all.next();
        if (Math.max(kv.value.lastDataTs(), kv.value.closedUpTo()) < cutoff && !open.containsKey(kv.key)) {
          idle.add(kv.value);
        }
      }
    }
    for (ErrorBaseline stored : idle) {
      if (stored.severity() != null) {
        LOG.info("{}: no request stats for {}, forgetting it and ending its error-rate spike", stored.service(),
            settings.idleExpiry());
        context.forward(new Record<>(stored.service(),
            SpikeTracker.restore(stored, settings, rule).abandon(stored.service(), streamTime), streamTime));
      }
      baselines.delete(stored.service());
      known.remove(stored.service());
    }
  }

  @Override
  public void close() {}
}

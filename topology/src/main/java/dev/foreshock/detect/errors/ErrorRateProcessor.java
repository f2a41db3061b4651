package dev.foreshock.detect.errors;

import dev.foreshock.avro.RequestStats;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.metrics.PipelineMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
 * Sums request stats per service into tumbling windows (window store), and when stream time has
 * passed a window's end plus the grace, judges it against the service's baseline (key-value
 * store) and forwards a {@link CandidateSignal} when the spike state changes.
 *
 * <p>Per record: one window-store read and write. Which services have windows waiting to be
 * judged is kept in memory ({@code pending}) so that the stream-time punctuation touches only
 * those; it is rebuilt from the baseline store after a restart.
 */
final class ErrorRateProcessor implements Processor<String, RequestStats, String, CandidateSignal> {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorRateProcessor.class);
  private static final long UNKNOWN = Long.MAX_VALUE;

  private final ErrorRateSettings settings;
  private final SpikeRule rule;
  private final PipelineMetrics metrics;
  private final long size;
  private final long grace;
  /** service -> {oldest window start not yet judged, newest window start with data (or UNKNOWN)} */
  private final Map<String, long[]> pending = new HashMap<>();
  private ProcessorContext<String, CandidateSignal> context;
  private WindowStore<String, ErrorWindow> windows;
  private KeyValueStore<String, ErrorBaseline> baselines;

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
    try (KeyValueIterator<String, ErrorBaseline> all = baselines.all()) {
      while (all.hasNext()) {
        KeyValue<String, ErrorBaseline> kv = all.next();
        pending.put(kv.key, new long[] {kv.value.closedUpTo(), UNKNOWN});
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
    String service = stats.getService();
    // ts is the end of the reporting interval: the interval belongs to the window of its last millisecond
    long start = Math.floorDiv(record.timestamp() - 1, size) * size;
    if (start + size + grace <= context.currentStreamTimeMs()) {
      metrics.lateRecord("errors");
      return;
    }
    long[] p = pending.get(service);
    if (p == null) {
      if (baselines.get(service) == null) {
        baselines.put(service, SpikeTracker.fresh(settings, rule).snapshot(service));
      }
      pending.put(service, new long[] {start, start});
    } else {
      p[0] = Math.min(p[0], start);
      p[1] = p[1] == UNKNOWN ? start : Math.max(p[1], start);
    }
    ErrorWindow w = windows.fetch(service, start);
    windows.put(service, w == null
        ? ErrorWindow.open(start, start + size, stats.getRequests(), stats.getErrors())
        : w.plus(stats.getRequests(), stats.getErrors()), start);
  }

  private void closeWindows(long streamTime) {
    long bound = streamTime - grace; // windows ending at or before this are complete
    long firstOpen = Math.floorDiv(bound - size, size) * size + size;
    Iterator<Map.Entry<String, long[]>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, long[]> e = it.next();
      long[] p = e.getValue();
      if (p[0] >= firstOpen) {
        continue;
      }
      close(e.getKey(), p[0], firstOpen, streamTime);
      if (p[1] == UNKNOWN) {
        p[0] = firstOpen;
        p[1] = firstOpen; // after a restart: look once more, when today's open window closes
      } else if (p[1] < firstOpen) {
        it.remove();
      } else {
        p[0] = firstOpen;
      }
    }
  }

  private void close(String service, long from, long firstOpen, long streamTime) {
    ErrorBaseline stored = baselines.get(service);
    SpikeTracker tracker = stored == null
        ? SpikeTracker.fresh(settings, rule)
        : SpikeTracker.restore(stored, settings, rule);
    long start = Math.max(from, tracker.closedUpTo());
    List<KeyValue<Long, ErrorWindow>> due = new ArrayList<>();
    try (WindowStoreIterator<ErrorWindow> found = windows.fetch(service, start, firstOpen - size)) {
      found.forEachRemaining(due::add);
    }
    for (KeyValue<Long, ErrorWindow> kv : due) {
      ErrorWindow w = kv.value;
      if (w.closed()) {
        continue;
      }
      windows.put(service, w.judged(tracker.baseline()), kv.key);
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
    List<String> idle = new ArrayList<>();
    try (KeyValueIterator<String, ErrorBaseline> all = baselines.all()) {
      while (all.hasNext()) {
        KeyValue<String, ErrorBaseline> kv = all.next();
        long last = Math.max(kv.value.lastDataTs(), kv.value.closedUpTo());
        if (last < cutoff && !pending.containsKey(kv.key)) {
          idle.add(kv.key);
        }
      }
    }
    for (String service : idle) {
      ErrorBaseline stored = baselines.get(service);
      if (stored.severity() != null) {
        LOG.info("{}: no request stats for {}, forgetting it and ending its error-rate spike", service,
            settings.idleExpiry());
        context.forward(new Record<>(service,
            SpikeTracker.restore(stored, settings, rule).abandon(service, streamTime), streamTime));
      }
      baselines.delete(service);
    }
  }

  @Override
  public void close() {}
}

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
 * window's end plus the grace, judges it against the service's baseline and forwards a
 * {@link CandidateSignal} when the spike state changes.
 *
 * <p>Each service's {@link SpikeTracker} and open windows live in memory (a hash lookup and two
 * additions per record; a judgement per closed window without any store read). What the stores
 * get, so that the query API sees it and a restart resumes from it:
 * <ul>
 *   <li>each window once, when it is judged ({@code error-windows}, closed, with the baseline it
 *       was judged against): one row per service and window, never the running sums of an open
 *       one while it fills. So the query API shows a window once it is judged (at most window +
 *       grace behind stream time). When the task closes cleanly (shutdown, rebalance) the open
 *       windows and unsaved baselines are written too, and the next owner resumes them exactly
 *       (until judged, such a window shows in the query API with {@code closed} false); after a
 *       crash the windows open at that moment resume empty: the request stats of at most window +
 *       grace of event time before the crash are missing from them;
 *   <li>the baseline ({@code error-baselines}) when a service is first seen, with every signal, and
 *       otherwise every {@value #SAVE_EVERY_WINDOWS} judged windows: the query API's baseline is
 *       at most that many windows old, and a crash loses at most that many windows of baseline
 *       history (never a spike's state, which changes only with a signal).
 * </ul>
 * Either store may be left out of the topology (an offline backtest, see
 * {@link dev.foreshock.StateStores.Scope#DETECTION_ONLY}): then it is not written.
 */
final class ErrorRateProcessor implements Processor<String, RequestStats, String, CandidateSignal> {

  /** A service's baseline is written back after this many judged windows without a signal. */
  static final int SAVE_EVERY_WINDOWS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(ErrorRateProcessor.class);

  private final ErrorRateSettings settings;
  private final SpikeRule rule;
  private final PipelineMetrics metrics;
  private final long size;
  private final long grace;
  /** every known service: its tracker and open windows */
  private final Map<String, ServiceState> services = new HashMap<>();
  /** {@code firstOpen} of the last pass over every service: until it moves, no window can be due. */
  private long passedUpTo = Long.MIN_VALUE;
  /** Services first seen since the last pass over every service. */
  private final List<String> firstSeen = new ArrayList<>();
  private ProcessorContext<String, CandidateSignal> context;
  /** whether the stores are in the topology (else they are not written) */
  private final boolean keepWindows;
  private final boolean keepBaselines;
  private WindowStore<String, ErrorWindow> windows;
  private KeyValueStore<String, ErrorBaseline> baselines;

  /** Running sums of one open window. */
  private static final class OpenWindow {
    final long start;
    long requests;
    long errors;

    OpenWindow(long start, long requests, long errors) {
      this.start = start;
      this.requests = requests;
      this.errors = errors;
    }
  }

  /** One service: its baseline and spike, and its windows not yet judged. */
  private static final class ServiceState {
    final SpikeTracker tracker;
    final List<OpenWindow> open = new ArrayList<>(2);
    /** windows judged since the baseline was last written; -1: never written */
    int unsaved;

    ServiceState(SpikeTracker tracker, int unsaved) {
      this.tracker = tracker;
      this.unsaved = unsaved;
    }
  }

  /** With both stores. */
  ErrorRateProcessor(ErrorRateSettings settings, PipelineMetrics metrics) {
    this(settings, metrics, true, true);
  }

  /**
   * @param keepWindows whether {@code error-windows} is in the topology
   * @param keepBaselines whether {@code error-baselines} is in the topology
   */
  ErrorRateProcessor(ErrorRateSettings settings, PipelineMetrics metrics, boolean keepWindows, boolean keepBaselines) {
    this.keepWindows = keepWindows;
    this.keepBaselines = keepBaselines;
    this.settings = settings;
    this.rule = new SpikeRule(settings);
    this.metrics = metrics;
    this.size = settings.window().toMillis();
    this.grace = settings.grace().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, CandidateSignal> context) {
    this.context = context;
    if (keepWindows) {
      this.windows = context.getStateStore(ErrorRateDetector.WINDOWS_STORE);
    }
    if (keepBaselines) {
      this.baselines = context.getStateStore(ErrorRateDetector.BASELINES_STORE);
      restore();
    }
    // Windows close by stream time: a check every sixth of a window keeps the delay small.
    long every = Math.max(1_000L, Math.min(size / 6, 10_000L));
    context.schedule(Duration.ofMillis(every), PunctuationType.STREAM_TIME, this::closeWindows);
    long forgetEvery = Math.max(60_000L, settings.idleExpiry().toMillis() / 24);
    context.schedule(Duration.ofMillis(forgetEvery), PunctuationType.STREAM_TIME, this::forgetIdle);
  }

  /** A service seen for the first time: known to the query API and to a restart from now on. */
  private void announce(String service, ServiceState state) {
    if (state != null && state.unsaved < 0) {
      if (keepBaselines) {
        baselines.put(service, state.tracker.snapshot(service));
      }
      state.unsaved = 0;
    }
  }

  /**
   * After a restart: the baselines, and the windows that were open when the task last closed
   * cleanly, from the sums {@link #close()} wrote.
   */
  private void restore() {
    List<ErrorBaseline> stored = new ArrayList<>();
    try (KeyValueIterator<String, ErrorBaseline> all = baselines.all()) {
      all.forEachRemaining(kv -> stored.add(kv.value));
    }
    for (ErrorBaseline b : stored) {
      ServiceState state = new ServiceState(SpikeTracker.restore(b, settings, rule), 0);
      services.put(b.service(), state);
      if (windows == null) {
        continue;
      }
      long from = Math.max(b.closedUpTo(), 0L);
      try (WindowStoreIterator<ErrorWindow> it = windows.fetch(b.service(), from, Long.MAX_VALUE - size)) {
        it.forEachRemaining(kv -> {
          if (!kv.value.closed()) { // written by close()
            state.open.add(new OpenWindow(kv.key, kv.value.requests(), kv.value.errors()));
          }
        });
      }
    }
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
    ServiceState service = services.get(stats.getService());
    if (service == null) {
      service = new ServiceState(SpikeTracker.fresh(settings, rule), -1);
      services.put(stats.getService(), service);
      firstSeen.add(stats.getService());
    }
    List<OpenWindow> open = service.open;
    OpenWindow w = null;
    for (int i = 0; i < open.size(); i++) {
      if (open.get(i).start == start) {
        w = open.get(i);
        break;
      }
    }
    if (w == null) {
      w = new OpenWindow(start, 0, 0);
      open.add(w);
    }
    w.requests += stats.getRequests();
    w.errors += stats.getErrors();
  }

  private void closeWindows(long streamTime) {
    long bound = streamTime - grace; // windows ending at or before this are complete
    long firstOpen = Math.floorDiv(bound - size, size) * size + size;
    if (firstOpen == passedUpTo) {
      // The punctuation runs several times per window; a window that was not due at the last pass
      // is not due now, and no record can open one that is (it would be late): only announce the
      // services seen for the first time since.
      for (String service : firstSeen) {
        announce(service, services.get(service));
      }
      firstSeen.clear();
      return;
    }
    passedUpTo = firstOpen;
    firstSeen.clear();
    for (Map.Entry<String, ServiceState> e : services.entrySet()) {
      ServiceState state = e.getValue();
      if (state.open.isEmpty()) {
        continue;
      }
      String service = e.getKey();
      announce(service, state);
      List<OpenWindow> due = null;
      for (OpenWindow w : state.open) {
        if (w.start < firstOpen) {
          if (due == null) {
            due = new ArrayList<>(2);
          }
          due.add(w);
        }
      }
      if (due != null) {
        state.open.removeAll(due);
        due.sort((a, b) -> Long.compare(a.start, b.start));
        judge(service, state, due, firstOpen, streamTime);
      }
    }
  }

  private void judge(String service, ServiceState state, List<OpenWindow> due, long firstOpen, long streamTime) {
    SpikeTracker tracker = state.tracker;
    boolean signalled = false;
    for (OpenWindow o : due) {
      if (o.start < tracker.closedUpTo()) {
        continue; // judged before a restart
      }
      ErrorWindow w = ErrorWindow.open(o.start, o.start + size, o.requests, o.errors);
      if (keepWindows) {
        windows.put(service, w.judged(tracker.baseline()), o.start);
      }
      CandidateSignal signal = tracker.judge(service, w, streamTime);
      state.unsaved++;
      if (signal != null) {
        signalled = true;
        context.forward(new Record<>(service, signal, streamTime));
      }
    }
    tracker.closedUpTo(firstOpen);
    if (signalled || state.unsaved >= SAVE_EVERY_WINDOWS) {
      if (keepBaselines) {
        baselines.put(service, tracker.snapshot(service));
      }
      state.unsaved = 0;
    }
  }

  /** Bounded state: a service with no request stats for {@code idleExpiry} is forgotten. */
  private void forgetIdle(long streamTime) {
    long cutoff = streamTime - settings.idleExpiry().toMillis();
    Iterator<Map.Entry<String, ServiceState>> it = services.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, ServiceState> e = it.next();
      String service = e.getKey();
      ServiceState state = e.getValue();
      SpikeTracker tracker = state.tracker;
      if (!state.open.isEmpty() || Math.max(tracker.lastDataTs(), tracker.closedUpTo()) >= cutoff) {
        continue;
      }
      if (tracker.inSpike()) {
        LOG.info("{}: no request stats for {}, forgetting it and ending its error-rate spike", service,
            settings.idleExpiry());
        context.forward(new Record<>(service, tracker.abandon(service, streamTime), streamTime));
      }
      if (state.unsaved >= 0 && keepBaselines) {
        baselines.delete(service);
      }
      it.remove();
    }
  }

  /**
   * When the task closes cleanly (shutdown, rebalance), its open windows and unsaved baselines are
   * written, and committed with the task: the next owner resumes them exactly. (After a crash
   * nothing of this runs: see the class comment.)
   */
  @Override
  public void close() {
    if (context == null) {
      return;
    }
    for (Map.Entry<String, ServiceState> e : services.entrySet()) {
      String service = e.getKey();
      ServiceState state = e.getValue();
      if (keepWindows) {
        for (OpenWindow w : state.open) {
          windows.put(service, ErrorWindow.open(w.start, w.start + size, w.requests, w.errors), w.start);
        }
      }
      if (keepBaselines && state.unsaved != 0) {
        baselines.put(service, state.tracker.snapshot(service));
        state.unsaved = 0;
      }
    }
  }
}

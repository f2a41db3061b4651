package dev.foreshock.detect.connections;

import dev.foreshock.StoreNames;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.metrics.PipelineMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds connection events to one {@link TargetTracker} per target (the value's {@code target}) and
 * closes windows by the stream time of the connection events themselves: a window closes when an
 * event at or after its end plus the grace arrives on this task. Closed windows go to the
 * {@code connection-windows} store in batches once per checkpoint interval of stream time (so the
 * query API sees them up to that late), pattern changes to {@code connection-patterns}, and each
 * target's baselines and fleet are checkpointed to {@code connection-detector-state} once per
 * checkpoint interval; signals are forwarded keyed by target.
 *
 * <p>The trackers live in memory (per-record work is a few hash operations, no store access) and
 * are restored from the stores when the task starts. Without the query API and restarts (an
 * offline backtest) the stores are not in the topology and nothing is written.
 */
final class ConnectionProcessor implements Processor<String, ConnectionEvent, String, CandidateSignal> {

  static final String DETECTOR = "connections";
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionProcessor.class);

  private final ConnectionSettings settings;
  private final PipelineMetrics metrics;
  private final long windowMs;
  private final long graceMs;
  private final Map<String, TargetTracker> targets = new HashMap<>();
  /** whether the stores are in the topology (else they are not written) */
  private final boolean keepWindows;
  private final boolean keepCheckpoints;
  private ProcessorContext<String, CandidateSignal> context;
  private WindowStore<String, ConnectionWindowFigures> windows;
  private KeyValueStore<String, ConnectionPattern> patterns;
  private KeyValueStore<String, ConnectionDetectorState> states;
  private long observed = Long.MIN_VALUE;
  private long closedBefore = Long.MIN_VALUE;
  private long nextCloseAt = Long.MIN_VALUE;
  private long nextFlushAt = Long.MIN_VALUE;
  /** Closed-window figures not yet written: written in batches, since every store write costs a flush. */
  private final List<ConnectionWindowFigures> pending = new ArrayList<>();

  private final TargetTracker.Sink sink = new TargetTracker.Sink() {
    @Override
    public void window(ConnectionWindowFigures figures) {
      if (keepWindows) {
        pending.add(figures);
      }
    }

    @Override
    public void signal(CandidateSignal signal) {
      LOG.debug("{} {} on {}: {}", signal.type(), signal.severity() == null ? "cleared" : signal.severity(),
          signal.subject(), signal.evidence());
      context.forward(new Record<>(signal.subject(), signal, signal.ts()));
    }
  };

  /** With every store. */
  ConnectionProcessor(ConnectionSettings settings, PipelineMetrics metrics) {
    this(settings, metrics, true, true);
  }

  /**
   * @param keepWindows whether {@code connection-windows} is in the topology
   * @param keepCheckpoints whether {@code connection-patterns} and {@code connection-detector-state} are
   */
  ConnectionProcessor(ConnectionSettings settings, PipelineMetrics metrics, boolean keepWindows,
      boolean keepCheckpoints) {
    this.keepWindows = keepWindows;
    this.keepCheckpoints = keepCheckpoints;
    this.settings = settings;
    this.metrics = metrics;
    this.windowMs = settings.window().toMillis();
    this.graceMs = settings.grace().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, CandidateSignal> context) {
    this.context = context;
    if (keepWindows) {
      this.windows = context.getStateStore(StoreNames.CONNECTION_WINDOWS);
    }
    if (!keepCheckpoints) {
      return;
    }
    this.patterns = context.getStateStore(StoreNames.CONNECTION_PATTERNS);
    this.states = context.getStateStore(StoreNames.CONNECTION_DETECTOR_STATE);
    try (KeyValueIterator<String, ConnectionDetectorState> it = states.all()) {
      while (it.hasNext()) {
        KeyValue<String, ConnectionDetectorState> kv = it.next();
        targets.put(kv.key, TargetTracker.restore(settings, kv.value, patterns.get(kv.key)));
      }
    }
    if (!targets.isEmpty()) {
      LOG.info("restored the connection state of {} targets", targets.size());
    }
  }

  @Override
  public void process(Record<String, ConnectionEvent> record) {
    long ts = record.timestamp();
    if (ts > observed) {
      observed = ts;
      if (ts >= nextCloseAt) {
        advance(ts);
      }
    }
    ConnectionEvent e = record.value();
    long start = ts - Math.floorMod(ts, windowMs);
    if (start < closedBefore) {
      metrics.lateRecord(DETECTOR);
      return;
    }
    TargetTracker tracker = targets.get(e.getTarget());
    if (tracker == null) {
      tracker = new TargetTracker(e.getTarget(), settings);
      targets.put(e.getTarget(), tracker);
    }
    if (!tracker.add(ts, e.getEvent(), e.getInstance(), e.getService(), e.getCount())) {
      metrics.lateRecord(DETECTOR);
    }
  }

  /** Closes the windows that stream time {@code time} has passed (end + grace). */
  private void advance(long time) {
    long closable = time - graceMs - windowMs;
    long before = closable - Math.floorMod(closable, windowMs) + windowMs;
    nextCloseAt = before + windowMs + graceMs;
    if (before <= closedBefore) {
      return;
    }
    closedBefore = before;
    long idleCutoff = before - settings.idleExpiry().toMillis();
    long checkpointMs = settings.checkpointInterval().toMillis();
    for (Iterator<TargetTracker> it = targets.values().iterator(); it.hasNext(); ) {
      TargetTracker t = it.next();
      t.closeUpTo(before, sink);
      if (t.idleSince(idleCutoff)) {
        t.clearAll(before, sink);
        if (keepCheckpoints) {
          patterns.delete(t.target());
          states.delete(t.target());
        }
        it.remove();
        continue;
      }
      boolean checkpoint = t.takeCheckpointDue(before, checkpointMs);
      boolean patternChanged = t.takePatternChange();
      if (keepCheckpoints) {
        if (patternChanged || checkpoint) {
          patterns.put(t.target(), t.pattern());
        }
        if (checkpoint) {
          states.put(t.target(), t.state());
        }
      }
    }
    if (before >= nextFlushAt) {
      flushWindows();
      nextFlushAt = before + settings.checkpointInterval().toMillis();
    }
  }

  private void flushWindows() {
    for (ConnectionWindowFigures f : pending) {
      windows.put(f.target(), f, f.windowStart());
    }
    pending.clear();
  }

  @Override
  public void close() {
    flushWindows();
  }
}

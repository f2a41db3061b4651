package dev.foreshock.detect.gaps;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.BoundedCache;
import dev.foreshock.detect.CandidateSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns the cadence of every source from request stats and memory samples, remembers recent
 * scale and replacement changes, and checks for silent sources on a stream-time punctuation
 * (backtests: event time advanced by the other sources) and on a wall-clock punctuation (live:
 * stream time stands still when nothing arrives).
 *
 * <p>The {@code gap-sources} store holds every source. At most {@code gaps.cache.entries} recently
 * heard sources per task are also held in memory ({@link BoundedCache}, a hash lookup per record):
 * changed ones are written to the store at most once a minute and when they are evicted; a source
 * that is not held is loaded from the store on its next record. Every check judges the held
 * sources; once some were evicted, it also judges the next stored sources that are not held (a
 * rolling sweep: two per record processed since the last check, at least 500 and at most
 * {@code gaps.sweep-entries}), so that a source outside the working set is still flagged,
 * escalated, re-sent and forgotten, later by up to one full sweep. Every reader of the store looks
 * at the held sources first, so without restarts (an offline backtest) the once-a-minute writes are
 * left out and a held source reaches the store only when it is evicted.
 */
final class TelemetryGapProcessor implements Processor<String, SpecificRecord, String, CandidateSignal> {

  private static final Logger LOG = LoggerFactory.getLogger(TelemetryGapProcessor.class);
  private static final long FLUSH_EVERY_MS = 60_000L;

  private final GapSettings settings;
  private final String storeName;
  private final boolean forRestarts;
  /** The working set, by store id. */
  private final BoundedCache<String, Cadence> held;
  /** target -> {latest scale change ts, latest replacement change ts} */
  private final Map<String, long[]> changes = new HashMap<>();
  private final Set<String> forgotten = new LinkedHashSet<>();
  private final StringSerializer keySerializer = new StringSerializer();
  private ProcessorContext<String, CandidateSignal> context;
  private KeyValueStore<String, SourceCadence> store;
  private long lastFlushStream = Long.MIN_VALUE;
  private long lastFlushWall = Long.MIN_VALUE;
  /** Sources restored from the store at start whose wall-clock arrival predates this run. */
  private final List<Cadence> restored = new ArrayList<>();
  /** Wall-clock time of this run's first record or check (MIN_VALUE before). */
  private long startWall = Long.MIN_VALUE;
  /** Whether the store may hold sources that are not held in memory. */
  private boolean cold;
  /** The store key the rolling sweep resumes from (null: the first). */
  private String sweepFrom;
  /** Records processed since the last sweep. */
  private long recordsSinceCheck;

  /** With the held sources checkpointed for a restart. */
  TelemetryGapProcessor(GapSettings settings, String storeName) {
    this(settings, storeName, true);
  }

  /**
   * @param forRestarts whether changed held sources are written to the store once a minute, for a
   *     restart to resume from; without (an offline backtest) a held source is written only when
   *     it is evicted, since nothing else reads the store for a source that is held
   */
  TelemetryGapProcessor(GapSettings settings, String storeName, boolean forRestarts) {
    this.forRestarts = forRestarts;
    this.settings = settings;
    this.storeName = storeName;
    this.held = new BoundedCache<>(settings.cacheEntries(), this::evicted);
  }

  @Override
  public void init(ProcessorContext<String, CandidateSignal> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    try (KeyValueIterator<String, SourceCadence> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, SourceCadence> kv = all.next();
        if (held.size() >= held.capacity()) {
          cold = true;
          break;
        }
        Cadence c = Cadence.restore(kv.value);
        restored.add(c);
        held.put(kv.key, c);
      }
    }
    Duration every = settings.checkInterval();
    context.schedule(every, PunctuationType.STREAM_TIME,
        streamTime -> check(streamTime, context.currentSystemTimeMs()));
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME,
        wallTime -> check(context.currentStreamTimeMs(), wallTime));
  }

  /** An evicted source that changed since it was written goes to the store, where its next record finds it. */
  private void evicted(String id, Cadence c) {
    write(c);
    cold = true;
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    long arrival = context.currentSystemTimeMs();
    long ts = record.timestamp();
    recordsSinceCheck++;
    if (record.value() instanceof RequestStats r) {
      observe(source(SourceKind.SERVICE, r.getService(), null), ts, arrival);
      observe(source(SourceKind.INSTANCE, r.getInstance(), r.getService()), ts, arrival);
    } else if (record.value() instanceof MemorySample m) {
      observe(source(SourceKind.RESOURCE, m.getResource(), null), ts, arrival);
    } else if (record.value() instanceof ChangeEvent e) {
      String kind = e.getKind().toUpperCase(Locale.ROOT);
      boolean scale = settings.scaleKinds().contains(kind);
      boolean replace = settings.replaceKinds().contains(kind);
      if (scale || replace) {
        long[] latest = changes.computeIfAbsent(e.getTarget(), k -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
        if (scale) {
          latest[0] = Math.max(latest[0], ts);
        }
        if (replace) {
          latest[1] = Math.max(latest[1], ts);
        }
      }
    }
  }

  /** The held source, else the stored one (now held), else a new one (now held). */
  private Cadence source(SourceKind kind, String subject, String service) {
    String id = Cadence.id(kind, subject, service);
    Cadence c = held.get(id);
    if (c == null) {
      SourceCadence stored = cold ? store.get(id) : null;
      c = stored != null ? load(stored) : new Cadence(kind, subject, service);
      held.put(id, c);
    }
    return c;
  }

  /** A source from the store; its wall-clock silence counts from this run's start at the earliest. */
  private Cadence load(SourceCadence stored) {
    Cadence c = Cadence.restore(stored);
    if (startWall == Long.MIN_VALUE) {
      startWall = context.currentSystemTimeMs();
    }
    c.arrivedNoEarlierThan(startWall);
    return c;
  }

  private void observe(Cadence c, long ts, long arrival) {
    if (c.flagged != null) {
      c.flagged = null;
      context.forward(new Record<>(c.subject, CandidateSignal.cleared(CandidateType.TELEMETRY_GAP, c.subject, ts), ts));
    }
    c.excused = false;
    c.observe(ts, arrival, settings);
  }

  /** Looks for silent sources at stream time {@code streamTime} (-1: none yet) and wall-clock time {@code wallTime}. */
  private void check(long streamTime, long wallTime) {
    // After a restart the wall-clock silence of restored sources counts from now, not from
    // before the downtime (which says nothing about the sources).
    restored.forEach(c -> c.arrivedNoEarlierThan(wallTime));
    restored.clear();
    if (startWall == Long.MIN_VALUE) {
      startWall = wallTime;
    }
    long forgetAfter = settings.forgetAfter().toMillis();
    // services and resources first, so that an instance sees its service as judged now; then the
    // instances, and every source silent for too long is forgotten
    held.forEach((id, c) -> {
      if (c.kind != SourceKind.INSTANCE) {
        judge(c, streamTime, wallTime, c.subject);
      }
    });
    held.removeIf((id, c) -> {
      if (c.kind == SourceKind.INSTANCE) {
        judgeInstance(c, streamTime, wallTime);
      }
      return forget(c, streamTime, wallTime, forgetAfter);
    });
    if (cold) {
      sweep(streamTime, wallTime, forgetAfter);
    }
    long keepChanges = settings.changeWindow().toMillis() + forgetAfter;
    changes.values().removeIf(latest -> streamTime >= 0 && Math.max(latest[0], latest[1]) < streamTime - keepChanges);
    flush(streamTime, wallTime);
  }

  /**
   * Judges the next {@code gaps.sweep-entries} stored sources that are not held, as the held
   * ones are judged; resumes there at the next check, and from the first after the last.
   */
  private void sweep(long streamTime, long wallTime, long forgetAfter) {
    // at most two stored sources per record processed since the last check (at least 500, at most
    // gaps.sweep-entries): the sweep's cost follows the input rate instead of outgrowing it
    int budget = (int) Math.max(Math.min(settings.sweepEntries(), 500), Math.min(settings.sweepEntries(), 2 * recordsSinceCheck));
    recordsSinceCheck = 0;
    List<Cadence> changed = new ArrayList<>();
    String last = null;
    try (KeyValueIterator<String, SourceCadence> it = sweepFrom == null ? store.all() : store.range(sweepFrom, null)) {
      while (budget-- > 0 && it.hasNext()) {
        KeyValue<String, SourceCadence> kv = it.next();
        last = kv.key;
        if (held.peek(kv.key) != null || forgotten.contains(kv.key)) {
          continue;
        }
        Cadence c = load(kv.value);
        if (c.kind == SourceKind.INSTANCE) {
          judgeInstance(c, streamTime, wallTime);
        } else {
          judge(c, streamTime, wallTime, c.subject);
        }
        if (!forget(c, streamTime, wallTime, forgetAfter) && c.dirty) {
          changed.add(c);
        }
      }
      // a full pass ends where the store does; the next starts from the first key
      sweepFrom = it.hasNext() && last != null ? last + "\u0000" : null;
    }
    changed.forEach(this::write);
  }

  /** The service of an instance as it is now: held, stored, or unknown (null). Does not hold it. */
  private Cadence serviceOf(Cadence instance) {
    String id = Cadence.id(SourceKind.SERVICE, instance.service, null);
    Cadence s = held.peek(id);
    if (s == null && cold) {
      SourceCadence stored = store.get(id);
      s = stored == null ? null : load(stored);
    }
    return s;
  }

  /** The other instances of an instance's service: held ones, and (once some were evicted) stored ones. */
  private Iterable<Cadence> peersOf(Cadence instance) {
    Map<String, Cadence> peers = new LinkedHashMap<>();
    held.forEach((id, c) -> {
      if (c != instance && c.kind == SourceKind.INSTANCE && instance.service.equals(c.service)) {
        peers.put(id, c);
      }
    });
    if (cold) {
      String prefix = Cadence.id(SourceKind.INSTANCE, "", instance.service);
      String self = instance.id();
      try (KeyValueIterator<String, SourceCadence> it = store.prefixScan(prefix, keySerializer)) {
        while (it.hasNext()) {
          KeyValue<String, SourceCadence> kv = it.next();
          if (!kv.key.equals(self) && !peers.containsKey(kv.key) && held.peek(kv.key) == null) {
            peers.put(kv.key, load(kv.value));
          }
        }
      }
    }
    return peers.values();
  }

  /** A service or resource: flagged when steady and silent, unless a scale change on it explains the silence. */
  private void judge(Cadence c, long streamTime, long wallTime, String target) {
    long silence = c.silence(streamTime, wallTime, settings);
    if (c.flagged != null) {
      if (c.flagged == Severity.WARNING && silence >= settings.criticalAfter().toMillis()) {
        flag(c, Severity.CRITICAL, silence, streamTime, wallTime, "");
      } else {
        resendIfDue(c, silence, streamTime, wallTime, "");
      }
      return;
    }
    if (c.excused || !c.steady(settings) || silence < c.threshold(settings)) {
      return;
    }
    if (changedRecently(target, 0, c.lastTs())) {
      excuse(c, "a scale change on " + target);
      return;
    }
    flag(c, silence >= settings.criticalAfter().toMillis() ? Severity.CRITICAL : Severity.WARNING,
        silence, streamTime, wallTime, "");
  }

  /**
   * An instance: flagged (INFO) only when it alone stopped while its service keeps reporting, and
   * no scale or replacement change on its service explains it. Judged a group window later than
   * other sources, so that instances stopping together are seen together.
   */
  private void judgeInstance(Cadence c, long streamTime, long wallTime) {
    if (c.flagged != null) {
      resendIfDue(c, c.silence(streamTime, wallTime, settings), streamTime, wallTime, restStillReports(c));
      return;
    }
    if (c.excused || !c.steady(settings)) {
      return;
    }
    long silence = c.silence(streamTime, wallTime, settings);
    if (silence < c.threshold(settings) + settings.groupWindow().toMillis()) {
      return;
    }
    Cadence service = serviceOf(c);
    boolean serviceSilent = service != null && (service.flagged != null || service.excused
        || service.silence(streamTime, wallTime, settings) >= service.threshold(settings));
    if (serviceSilent) {
      excuse(c, "its whole service is silent");
      return;
    }
    if (changedRecently(c.service, 0, c.lastTs()) || changedRecently(c.service, 1, c.lastTs())) {
      excuse(c, "a change on " + c.service);
      return;
    }
    long window = settings.groupWindow().toMillis();
    for (Cadence other : peersOf(c)) {
      if (other.steady(settings) && Math.abs(other.lastTs() - c.lastTs()) <= window
          && other.silence(streamTime, wallTime, settings) >= other.threshold(settings)) {
        excuse(c, "other instances of " + c.service + " stopped with it");
        return;
      }
    }
    flag(c, Severity.INFO, silence, streamTime, wallTime, restStillReports(c));
  }

  private static String restStillReports(Cadence instance) {
    return ", while the rest of " + instance.service + " still reports";
  }

  private boolean changedRecently(String target, int which, long silentSince) {
    long[] latest = target == null ? null : changes.get(target);
    return latest != null && latest[which] != Long.MIN_VALUE
        && latest[which] >= silentSince - settings.changeWindow().toMillis();
  }

  private void excuse(Cadence c, String why) {
    c.excused = true;
    c.dirty = true;
    LOG.debug("{} is silent since {}, explained by {}", c.subject, c.lastTs(), why);
  }

  /** While a gap lasts, its active signal is sent again now and then, or the lifecycle would take it for stale. */
  private void resendIfDue(Cadence c, long silence, long streamTime, long wallTime, String detail) {
    if (c.eventTimeNow(streamTime, wallTime, settings) - c.lastSignalTs >= settings.resendEvery().toMillis()) {
      flag(c, c.flagged, silence, streamTime, wallTime, detail);
    }
  }

  private void flag(Cadence c, Severity severity, long silence, long streamTime, long wallTime, String detail) {
    c.flagged = severity;
    c.dirty = true;
    long now = c.eventTimeNow(streamTime, wallTime, settings);
    c.lastSignalTs = now;
    long usual = c.usualInterval();
    String summary = String.format(Locale.ROOT,
        "%s has sent no %s for %d s%s; it usually reports at least every %.0f s: check that it runs and that its"
            + " telemetry reaches the pipeline.",
        c.subject, c.kind.telemetry(), silence / 1000, detail, usual / 1000.0);
    Map<String, Double> evidence = Map.of(
        "expectedIntervalSeconds", usual / 1000.0,
        "silentSeconds", silence / 1000.0);
    context.forward(new Record<>(c.subject, CandidateSignal.active(CandidateType.TELEMETRY_GAP, c.subject,
        severity, now, c.lastTs(), now, summary, evidence, c.lastTs()), now));
  }

  /** Bounded state: a source silent for {@code forgetAfter} is dropped (and its gap, if any, ended). */
  private boolean forget(Cadence c, long streamTime, long wallTime, long forgetAfter) {
    if (c.silence(streamTime, wallTime, settings) < forgetAfter) {
      return false;
    }
    if (c.flagged != null) {
      long now = c.eventTimeNow(streamTime, wallTime, settings);
      LOG.info("{} silent for more than {}: forgetting it and ending its telemetry gap", c.subject,
          settings.forgetAfter());
      context.forward(new Record<>(c.subject, CandidateSignal.cleared(CandidateType.TELEMETRY_GAP, c.subject, now), now));
    }
    forgotten.add(c.id());
    return true;
  }

  private void flush(long streamTime, long wallTime) {
    for (String id : forgotten) {
      store.delete(id);
    }
    forgotten.clear();
    if (!forRestarts) {
      return;
    }
    boolean due = lastFlushWall == Long.MIN_VALUE
        || (streamTime >= 0 && streamTime - lastFlushStream >= FLUSH_EVERY_MS)
        || wallTime - lastFlushWall >= FLUSH_EVERY_MS;
    if (!due) {
      return;
    }
    lastFlushStream = streamTime;
    lastFlushWall = wallTime;
    held.forEach((id, c) -> write(c));
  }

  private void write(Cadence c) {
    if (c.dirty) {
      c.dirty = false;
      store.put(c.id(), c.snapshot(settings));
    }
  }

  /** A clean close (shutdown, rebalance) writes every changed held source: the next owner resumes them exactly. */
  @Override
  public void close() {
    if (forRestarts && store != null) {
      held.forEach((id, c) -> write(c));
    }
  }
}

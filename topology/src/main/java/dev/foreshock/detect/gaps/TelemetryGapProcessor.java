package dev.foreshock.detect.gaps;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.CandidateSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
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
 * <p>The working state lives in memory (a hash lookup per record); changed sources are written
 * to the {@code gap-sources} store at most once a minute, and restored from it on start.
 */
final class TelemetryGapProcessor implements Processor<String, SpecificRecord, String, CandidateSignal> {

  private static final Logger LOG = LoggerFactory.getLogger(TelemetryGapProcessor.class);
  private static final long FLUSH_EVERY_MS = 60_000L;

  private final GapSettings settings;
  private final String storeName;
  private final Map<String, ServiceSources> services = new HashMap<>();
  private final Map<String, Cadence> resources = new HashMap<>();
  /** target -> {latest scale change ts, latest replacement change ts} */
  private final Map<String, long[]> changes = new HashMap<>();
  private final List<String> forgotten = new ArrayList<>();
  private ProcessorContext<String, CandidateSignal> context;
  private KeyValueStore<String, SourceCadence> store;
  private long lastFlushStream = Long.MIN_VALUE;
  private long lastFlushWall = Long.MIN_VALUE;
  /** Sources restored from the store whose wall-clock arrival predates this run. */
  private final List<Cadence> restored = new ArrayList<>();

  /** The service-level source and the instances of one service. */
  private static final class ServiceSources {
    Cadence self;
    final Map<String, Cadence> instances = new HashMap<>();
  }

  TelemetryGapProcessor(GapSettings settings, String storeName) {
    this.settings = settings;
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<String, CandidateSignal> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    try (KeyValueIterator<String, SourceCadence> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, SourceCadence> kv = all.next();
        Cadence c = Cadence.restore(kv.value);
        restored.add(c);
        switch (c.kind) {
          case SERVICE -> services.computeIfAbsent(c.subject, s -> new ServiceSources()).self = c;
          case INSTANCE -> services.computeIfAbsent(c.service, s -> new ServiceSources())
              .instances.put(c.subject, c);
          case RESOURCE -> resources.put(c.subject, c);
        }
      }
    }
    Duration every = settings.checkInterval();
    context.schedule(every, PunctuationType.STREAM_TIME,
        streamTime -> check(streamTime, context.currentSystemTimeMs()));
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME,
        wallTime -> check(context.currentStreamTimeMs(), wallTime));
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    long arrival = context.currentSystemTimeMs();
    long ts = record.timestamp();
    if (record.value() instanceof RequestStats r) {
      ServiceSources s = services.computeIfAbsent(r.getService(), k -> new ServiceSources());
      if (s.self == null) {
        s.self = new Cadence(SourceKind.SERVICE, r.getService(), null);
      }
      observe(s.self, ts, arrival);
      Cadence instance = s.instances.get(r.getInstance());
      if (instance == null) {
        instance = new Cadence(SourceKind.INSTANCE, r.getInstance(), r.getService());
        s.instances.put(r.getInstance(), instance);
      }
      observe(instance, ts, arrival);
    } else if (record.value() instanceof MemorySample m) {
      Cadence c = resources.get(m.getResource());
      if (c == null) {
        c = new Cadence(SourceKind.RESOURCE, m.getResource(), null);
        resources.put(m.getResource(), c);
      }
      observe(c, ts, arrival);
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
    long forgetAfter = settings.forgetAfter().toMillis();
    Iterator<Map.Entry<String, ServiceSources>> it = services.entrySet().iterator();
    while (it.hasNext()) {
      ServiceSources s = it.next().getValue();
      boolean serviceSilent = false;
      if (s.self != null) {
        judge(s.self, streamTime, wallTime, s.self.subject);
        serviceSilent = s.self.flagged != null || s.self.excused
            || s.self.silence(streamTime, wallTime, settings) >= s.self.threshold(settings);
      }
      for (Cadence instance : s.instances.values()) {
        judgeInstance(instance, s, serviceSilent, streamTime, wallTime);
      }
      s.instances.values().removeIf(c -> forget(c, streamTime, wallTime, forgetAfter));
      if (s.self != null && forget(s.self, streamTime, wallTime, forgetAfter)) {
        s.self = null;
      }
      if (s.self == null && s.instances.isEmpty()) {
        it.remove();
      }
    }
    for (Cadence resource : resources.values()) {
      judge(resource, streamTime, wallTime, resource.subject);
    }
    resources.values().removeIf(c -> forget(c, streamTime, wallTime, forgetAfter));
    long keepChanges = settings.changeWindow().toMillis() + forgetAfter;
    changes.values().removeIf(latest -> streamTime >= 0 && Math.max(latest[0], latest[1]) < streamTime - keepChanges);
    flush(streamTime, wallTime);
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
  private void judgeInstance(Cadence c, ServiceSources s, boolean serviceSilent, long streamTime, long wallTime) {
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
    if (serviceSilent) {
      excuse(c, "its whole service is silent");
      return;
    }
    if (changedRecently(c.service, 0, c.lastTs()) || changedRecently(c.service, 1, c.lastTs())) {
      excuse(c, "a change on " + c.service);
      return;
    }
    long window = settings.groupWindow().toMillis();
    for (Cadence other : s.instances.values()) {
      if (other != c && other.steady(settings) && Math.abs(other.lastTs() - c.lastTs()) <= window
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
    boolean due = lastFlushWall == Long.MIN_VALUE
        || (streamTime >= 0 && streamTime - lastFlushStream >= FLUSH_EVERY_MS)
        || wallTime - lastFlushWall >= FLUSH_EVERY_MS;
    if (!due) {
      return;
    }
    lastFlushStream = streamTime;
    lastFlushWall = wallTime;
    for (ServiceSources s : services.values()) {
      if (s.self != null) {
        write(s.self);
      }
      s.instances.values().forEach(this::write);
    }
    resources.values().forEach(this::write);
  }

  private void write(Cadence c) {
    if (c.dirty) {
      c.dirty = false;
      store.put(c.id(), c.snapshot(settings));
    }
  }

  @Override
  public void close() {}
}

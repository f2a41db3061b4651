package dev.foreshock.detect.connections;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.detect.connections.PeriodEstimator.PeriodEstimate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the connection detectors know about one target: its open windows, fleet, baselines,
 * recent bursts and the three episodes (burst, periodic recycling, acquire failures). No Kafka
 * types: the processor feeds it events and stream time, and writes out what it reports.
 *
 * <p>Windows close in order when stream time passes their end plus the grace; each closed window
 * is judged together with the one before it (the span). Empty windows between events count as
 * zero spans in the baselines.
 */
final class TargetTracker {

  /** What closing windows produces. */
  interface Sink {
    void window(ConnectionWindowFigures figures);

    void signal(CandidateSignal signal);
  }

  /** The baselines' statistics are refreshed every this many spans (1 min of 5 s windows). */
  private static final int BASELINE_REFRESH = 12;
  private static final int SUMMARY_SERVICES = 3;

  private final String target;
  private final ConnectionSettings s;
  private final long windowMs;
  private final FleetTracker fleet;
  private final RobustBaseline opensBaseline;
  /** Distinct opening instances per span when nothing special happens: the background churn. */
  private final RobustBaseline openersBaseline;
  private final RobustBaseline failuresBaseline;
  private final PeriodEstimator estimator;

  private final ArrayDeque<WindowAggregate> open = new ArrayDeque<>(4);
  private WindowAggregate prev;
  private boolean prevInBurst;
  private boolean prevFailing;
  private long nextWindowStart = Long.MIN_VALUE;
  private long firstSeenTs = Long.MIN_VALUE;
  private long spansSeen;
  private long lastEventTs = Long.MIN_VALUE;
  private long lastCheckpointTs = Long.MIN_VALUE;

  private BurstBuilder current;
  private final ArrayDeque<BurstFigures> bursts = new ArrayDeque<>();

  private Severity burstSeverity;
  private long lastBurstEndTs;

  private Severity periodicSeverity;
  private long periodMs;
  private int periodBursts;
  private int missedBursts;
  private double periodFraction;
  private double periodTrend;
  private long periodFirstBurstTs;
  private long periodLastBurstEndTs;

  private Severity failureSeverity;
  private long failureOnsetTs;
  private long failureLastTs;
  private long failures;
  private final Set<String> failingInstances = new HashSet<>();
  private int failingInstancesRestored;
  private double failureBaseline;

  private boolean patternDirty;
  private long updatedTs;
  /** The last active signal of each open episode, re-sent while the episode lasts. */
  private final Map<CandidateType, CandidateSignal> openSignals = new EnumMap<>(CandidateType.class);

  TargetTracker(String target, ConnectionSettings settings) {
    this.target = target;
    this.s = settings;
    this.windowMs = settings.window().toMillis();
    this.fleet = new FleetTracker(settings.fleetExpiry().toMillis(), settings.maxFleet());
    this.opensBaseline = new RobustBaseline(settings.baselineSpans(), BASELINE_REFRESH);
    this.openersBaseline = new RobustBaseline(settings.baselineSpans(), BASELINE_REFRESH);
    this.failuresBaseline = new RobustBaseline(settings.baselineSpans(), BASELINE_REFRESH);
    this.estimator = estimator(settings);
  }

  private TargetTracker(String target, ConnectionSettings settings, ConnectionDetectorState state) {
    this.target = target;
    this.s = settings;
    this.windowMs = settings.window().toMillis();
    this.fleet = FleetTracker.of(settings.fleetExpiry().toMillis(), settings.maxFleet(), state.fleet());
    this.opensBaseline = RobustBaseline.of(settings.baselineSpans(), BASELINE_REFRESH, state.opensSamples());
    this.openersBaseline = RobustBaseline.of(settings.baselineSpans(), BASELINE_REFRESH, state.openerSamples());
    this.failuresBaseline = RobustBaseline.of(settings.baselineSpans(), BASELINE_REFRESH, state.failureSamples());
    this.estimator = estimator(settings);
    this.nextWindowStart = state.nextWindowStart();
    this.firstSeenTs = state.firstSeenTs();
    this.spansSeen = state.spansSeen();
    this.lastEventTs = state.lastEventTs();
    this.lastCheckpointTs = state.nextWindowStart();
  }

  private static PeriodEstimator estimator(ConnectionSettings s) {
    return new PeriodEstimator(s.periodMinBursts(), s.periodTolerance(), s.span().toMillis(),
        s.periodMin().toMillis(), s.periodMax().toMillis());
  }

  /** A tracker restored from its checkpoint and (may be null) its pattern. */
  static TargetTracker restore(ConnectionSettings settings, ConnectionDetectorState state, ConnectionPattern pattern) {
    TargetTracker t = new TargetTracker(state.target(), settings, state);
    if (pattern != null) {
      t.bursts.addAll(pattern.bursts());
      t.burstSeverity = pattern.burstSeverity();
      t.lastBurstEndTs = pattern.lastBurstEndTs();
      t.periodicSeverity = pattern.periodicSeverity();
      t.periodMs = Math.round(pattern.periodSeconds() * 1000);
      t.periodBursts = pattern.periodBursts();
      t.missedBursts = pattern.missedBursts();
      t.periodFraction = pattern.fleetFraction();
      t.periodTrend = pattern.fleetFractionTrend();
      t.periodFirstBurstTs = pattern.periodFirstBurstTs();
      t.periodLastBurstEndTs = pattern.periodLastBurstEndTs();
      t.failureSeverity = pattern.failureSeverity();
      t.failureOnsetTs = pattern.failureOnsetTs();
      t.failureLastTs = pattern.failureLastTs();
      t.failures = pattern.failures();
      t.failingInstancesRestored = pattern.failingInstances();
      t.failureBaseline = pattern.failureBaseline();
      t.updatedTs = pattern.updatedTs();
      for (CandidateSignal open : pattern.openSignals()) {
        t.openSignals.put(open.type(), open);
      }
    }
    return t;
  }

  String target() {
    return target;
  }

  /**
   * Counts one event; false when its window has already closed (a late record).
   */
  boolean add(long ts, ConnectionEventKind kind, String instance, String service, int count) {
    long start = ts - Math.floorMod(ts, windowMs);
    if (start < nextWindowStart) {
      return false;
    }
    window(start).add(kind, instance, service, count);
    if (ts > lastEventTs) {
      lastEventTs = ts;
    }
    return true;
  }

  private WindowAggregate window(long start) {
    WindowAggregate last = open.peekLast();
    if (last != null && last.start == start) {
      return last;
    }
    if (last == null || last.start < start) {
      WindowAggregate w = new WindowAggregate(start, s.maxInstancesPerWindow());
      open.addLast(w);
      return w;
    }
    for (WindowAggregate w : open) {
      if (w.start == start) {
        return w;
      }
    }
    // An earlier window than the newest open one, not yet open: insert it in order.
    List<WindowAggregate> all = new ArrayList<>(open);
    WindowAggregate w = new WindowAggregate(start, s.maxInstancesPerWindow());
    all.add(w);
    all.sort((a, b) -> Long.compare(a.start, b.start));
    open.clear();
    open.addAll(all);
    return w;
  }

  /** Closes every window that starts before {@code closedBefore} and judges the spans they end. */
  void closeUpTo(long closedBefore, Sink sink) {
    while (!open.isEmpty() && open.peekFirst().start < closedBefore) {
      WindowAggregate w = open.pollFirst();
      skipEmpty(w.start, sink);
      close(w, sink);
    }
    skipEmpty(closedBefore, sink);
    checkEnds(closedBefore, sink);
  }

  /** Judges the empty windows from {@code nextWindowStart} up to {@code upTo}. */
  private void skipEmpty(long upTo, Sink sink) {
    if (nextWindowStart == Long.MIN_VALUE || upTo <= nextWindowStart) {
      return;
    }
    long empty = (upTo - nextWindowStart) / windowMs;
    if (empty <= 0) {
      return;
    }
    long end = nextWindowStart + windowMs;
    if (current != null) {
      finishBurst(end, sink);
    }
    // The first empty window's span still holds the window before it.
    if (prev != null && prev.start == nextWindowStart - windowMs) {
      if (!prevInBurst) {
        opensBaseline.add(prev.opens);
        openersBaseline.add(prev.openers.size());
      }
      if (!prevFailing) {
        failuresBaseline.add(prev.failures);
      }
      opensBaseline.addRepeated(0, empty - 1);
      openersBaseline.addRepeated(0, empty - 1);
      failuresBaseline.addRepeated(0, empty - 1);
    } else {
      opensBaseline.addRepeated(0, empty);
      openersBaseline.addRepeated(0, empty);
      failuresBaseline.addRepeated(0, empty);
    }
    spansSeen += empty;
    prev = null;
    prevInBurst = false;
    prevFailing = false;
    nextWindowStart += empty * windowMs;
  }

  private void close(WindowAggregate w, Sink sink) {
    long end = w.start + windowMs;
    if (firstSeenTs == Long.MIN_VALUE) {
      firstSeenTs = w.start;
    }
    for (String instance : w.instances) {
      fleet.seen(instance, end);
    }
    fleet.expire(end);
    WindowAggregate p = prev != null && prev.start == w.start - windowMs ? prev : null;
    boolean warm = spansSeen >= s.baselineMinSpans();
    spansSeen++;
    int fleetSize = Math.max(1, fleet.size());

    long spanOpens = w.opens + (p == null ? 0 : p.opens);
    int spanOpeners = WindowAggregate.unionSize(w.openers, p == null ? null : p.openers);
    // Only the instances beyond the usual background churn count towards the fleet share.
    double usualOpeners = openersBaseline.median();
    double spanFraction = Math.min(1.0, Math.max(0, spanOpeners - usualOpeners) / fleetSize);
    boolean burst = warm && spanOpens >= s.burstMinOpens() && spanOpeners >= s.burstMinInstances()
        && spanFraction >= s.burstMinFleetFraction()
        && spanOpens >= opensBaseline.threshold(s.burstThresholdScales(), s.burstMinRatio(), s.burstMinOpens());
    double baselineOpens = opensBaseline.median();
    if (burst) {
      onBurstSpan(p == null ? w.start : p.start, end, baselineOpens, usualOpeners, fleetSize, w, p);
      if (end - current.startTs > s.burstMaxDuration().toMillis()) {
        // Fleet-wide churn that goes on and on is the new normal, not a burst: let the baseline learn it.
        opensBaseline.add(spanOpens);
        openersBaseline.add(spanOpeners);
      }
    } else {
      if (current != null) {
        finishBurst(end, sink);
      }
      if (!prevInBurst) {
        opensBaseline.add(spanOpens);
        openersBaseline.add(spanOpeners);
      }
    }

    long spanFailures = w.failures + (p == null ? 0 : p.failures);
    int spanFailers = WindowAggregate.unionSize(w.failers, p == null ? null : p.failers);
    boolean failing = warm && spanFailures >= s.failuresMin() && spanFailers >= s.failuresMinInstances()
        && spanFailures >= failuresBaseline.threshold(s.failuresThresholdScales(), s.failuresMinRatio(),
            s.failuresMin());
    double baselineFailures = failuresBaseline.median();
    if (failing) {
      onFailingSpan(p != null && p.failures > 0 ? p.start : w.start, end, spanFailures, baselineFailures, fleetSize,
          w, p, sink);
    } else if (!prevFailing) {
      failuresBaseline.add(spanFailures);
    }

    sink.window(new ConnectionWindowFigures(target, w.start, end, w.opens, w.closes, w.failures,
        w.instances.size(), w.openers.size(), w.failers.size(), w.services.size(), fleetSize,
        Math.min(1.0, w.openers.size() / (double) fleetSize), spanOpens, spanOpeners, usualOpeners, spanFraction,
        baselineOpens, spanFailures, spanFailers, baselineFailures, burst, failing));

    prev = w;
    prevInBurst = burst;
    prevFailing = failing;
    nextWindowStart = end;
  }

  private void onBurstSpan(long spanStart, long end, double baseline, double usualOpeners, int fleetSize,
      WindowAggregate w, WindowAggregate p) {
    if (current == null) {
      current = new BurstBuilder(spanStart, baseline, usualOpeners / s.span().toMillis(), s.maxInstancesPerWindow());
    }
    current.endTs = end;
    current.fleetSize = fleetSize;
    if (p != null) {
      current.addWindow(p);
    }
    current.addWindow(w);
  }

  private void finishBurst(long now, Sink sink) {
    BurstFigures b = current.build();
    current = null;
    BurstFigures before = burstSeverity == null ? null : bursts.peekLast();
    bursts.addLast(b);
    while (bursts.size() > s.periodHistory()) {
      bursts.removeFirst();
    }
    double fraction = before == null ? b.fleetFraction() : Math.max(b.fleetFraction(), before.fleetFraction());
    burstSeverity = warmingUp(now) ? Severity.INFO
        : level(fraction, s.burstWarningFleetFraction(), s.burstCriticalFleetFraction());
    lastBurstEndTs = b.endTs();
    Map<String, Double> evidence = new LinkedHashMap<>();
    evidence.put("opens", (double) b.opens());
    evidence.put("baseline", round(b.baseline()));
    evidence.put("instances", (double) b.instances());
    evidence.put("usualInstances", round(b.usualInstances()));
    evidence.put("fleetSize", (double) b.fleetSize());
    evidence.put("fleetFraction", round(b.fleetFraction()));
    evidence.put("windowSeconds", (b.endTs() - b.startTs()) / 1000.0);
    evidence.put("failures", (double) b.failures());
    String summary = instancesOf(b.excessInstances(), b.fleetSize(), b.services()) + " opened " + b.opens()
        + " connections to " + target + " within " + seconds(b.endTs() - b.startTs()) + " (baseline "
        + Math.round(b.baseline()) + "): a fleet-wide reconnect burst; check for synchronised pool recycling "
        + "(add jitter to maxLifetime) or a mass restart.";
    emit(sink, CandidateSignal.active(CandidateType.CONNECTION_BURST, target, burstSeverity, now, b.startTs(),
        b.endTs(), summary, evidence, b.startTs()));
    markChanged(now);
    judgePeriod(now, sink);
  }

  private void judgePeriod(long now, Sink sink) {
    BurstFigures[] all = bursts.toArray(new BurstFigures[0]);
    long[] times = new long[all.length];
    for (int i = 0; i < all.length; i++) {
      times[i] = all[i].startTs();
    }
    PeriodEstimate est = estimator.estimate(times).orElse(null);
    if (est == null) {
      return;
    }
    int[] idx = est.burstIndices();
    BurstFigures last = all[idx[idx.length - 1]];
    if (now - last.endTs() >= s.periodClearAfterPeriods() * est.periodMs()) {
      return; // a chain that ended long ago (later bursts are off its grid): not current
    }
    BurstFigures secondLast = all[idx[idx.length - 2]];
    double[] fractions = new double[idx.length];
    int withFailures = 0;
    for (int i = 0; i < idx.length; i++) {
      fractions[i] = all[idx[i]].fleetFraction();
      if (all[idx[i]].failures() >= s.failuresMin()) {
        withFailures++;
      }
    }
    double fraction = (last.fleetFraction() + secondLast.fleetFraction()) / 2;
    double trend = slope(fractions);
    Severity severity = level(fraction, s.periodWarningFleetFraction(), s.periodCriticalFleetFraction());
    if (withFailures > 0 && severity != Severity.CRITICAL) {
      // Acquire failures at the bursts: the recycling already hurts.
      severity = severity == Severity.INFO ? Severity.WARNING : Severity.CRITICAL;
    }
    if (warmingUp(now)) {
      severity = Severity.INFO;
    }
    boolean changed = periodicSeverity != severity || periodBursts != idx.length
        || Math.abs(est.periodMs() - periodMs) > s.periodTolerance() / 2 * Math.max(1, periodMs)
        || periodLastBurstEndTs != last.endTs();
    periodicSeverity = severity;
    periodMs = est.periodMs();
    periodBursts = idx.length;
    missedBursts = est.missed();
    periodFraction = fraction;
    periodTrend = trend;
    periodFirstBurstTs = all[idx[0]].startTs();
    periodLastBurstEndTs = last.endTs();
    if (!changed) {
      return;
    }
    Map<String, Double> evidence = new LinkedHashMap<>();
    evidence.put("periodSeconds", round(periodMs / 1000.0));
    evidence.put("bursts", (double) periodBursts);
    evidence.put("fleetFraction", round(fraction));
    evidence.put("fleetFractionTrend", round(trend));
    evidence.put("missedBursts", (double) missedBursts);
    evidence.put("instances", (double) last.instances());
    evidence.put("fleetSize", (double) last.fleetSize());
    evidence.put("jitterSeconds", round(est.jitterMs() / 1000.0));
    evidence.put("burstsWithFailures", (double) withFailures);
    String trendText = trend > 0.01 ? ", the share rising by " + Math.round(trend * 100) + " points per burst"
        : trend < -0.01 ? ", the share falling" : "";
    String failureText = withFailures > 0 ? ", with acquire failures at " + withFailures + " of them" : "";
    String summary = instancesOf(last.excessInstances(), last.fleetSize(), last.services())
        + " reopened connections to " + target + " within " + seconds(last.endTs() - last.startTs())
        + ", every " + seconds(periodMs) + " for the last " + periodBursts + " bursts" + trendText + failureText
        + ": pool max-lifetime recycling is synchronised; add jitter to maxLifetime.";
    emit(sink, CandidateSignal.active(CandidateType.PERIODIC_CONNECTION_RECYCLING, target, severity, now,
        periodFirstBurstTs, periodLastBurstEndTs, summary, evidence, periodFirstBurstTs));
  }

  private void onFailingSpan(long onset, long end, long spanFailures, double baseline, int fleetSize,
      WindowAggregate w, WindowAggregate p, Sink sink) {
    if (failureSeverity == null) {
      failureOnsetTs = onset;
      failingInstances.clear();
      failingInstancesRestored = 0;
      failureBaseline = baseline;
    }
    failureLastTs = end;
    failures = spanFailures;
    addCapped(failingInstances, w.failers);
    if (p != null) {
      addCapped(failingInstances, p.failers);
    }
    int instances = Math.max(failingInstances.size(), failingInstancesRestored);
    double fraction = Math.min(1.0, instances / (double) fleetSize);
    Severity severity = level(fraction, s.failuresWarningFleetFraction(), s.failuresCriticalFleetFraction());
    if (failureSeverity != null && severity.ordinal() <= failureSeverity.ordinal()) {
      return;
    }
    failureSeverity = severity;
    Map<String, Double> evidence = new LinkedHashMap<>();
    evidence.put("failures", (double) spanFailures);
    evidence.put("instances", (double) instances);
    evidence.put("baseline", round(failureBaseline));
    evidence.put("fleetSize", (double) fleetSize);
    evidence.put("windowSeconds", s.span().toMillis() / 1000.0);
    TreeSet<String> names = new TreeSet<>(w.services);
    if (p != null) {
      names.addAll(p.services);
    }
    String summary = spanFailures + " connection acquire failures on " + target + " within "
        + seconds(s.span().toMillis()) + " from " + instancesOf(instances, fleetSize, List.copyOf(names))
        + " (baseline " + Math.round(failureBaseline) + "): pools cannot get connections; check " + target
        + " and its pooler (recent maintenance?) and recycle stalled pools.";
    emit(sink, CandidateSignal.active(CandidateType.CONNECTION_FAILURES, target, severity, end, failureOnsetTs, end,
        summary, evidence, failureOnsetTs));
    markChanged(end);
  }

  /**
   * Ends the episodes whose condition has not been seen for long enough. A cleared signal carries
   * the event time at which the quiet stretch became long enough, not the (possibly later) time
   * at which a window close noticed it.
   */
  private void checkEnds(long now, Sink sink) {
    fleet.expire(now);
    long periodicEnd = periodLastBurstEndTs + Math.round(s.periodClearAfterPeriods() * periodMs);
    if (periodicSeverity != null && now >= periodicEnd) {
      emit(sink, CandidateSignal.cleared(CandidateType.PERIODIC_CONNECTION_RECYCLING, target, periodicEnd));
      periodicSeverity = null;
      periodMs = 0;
      periodBursts = 0;
      missedBursts = 0;
      periodFraction = 0;
      periodTrend = 0;
      markChanged(periodicEnd);
    }
    long burstEnd = lastBurstEndTs
        + Math.max(s.burstClearAfter().toMillis(), Math.round(s.periodClearAfterPeriods() * periodMs));
    if (burstSeverity != null && current == null && now >= burstEnd) {
      emit(sink, CandidateSignal.cleared(CandidateType.CONNECTION_BURST, target, burstEnd));
      burstSeverity = null;
      markChanged(burstEnd);
    }
    long failureEnd = failureLastTs + s.failuresClearAfter().toMillis();
    if (failureSeverity != null && now >= failureEnd) {
      emit(sink, CandidateSignal.cleared(CandidateType.CONNECTION_FAILURES, target, failureEnd));
      failureSeverity = null;
      failingInstances.clear();
      failingInstancesRestored = 0;
      markChanged(failureEnd);
    }
    refresh(now, sink);
  }

  /**
   * Re-sends the last active signal of every open episode not signalled for
   * {@code connections.refresh}: the correlator takes an episode without active signals for a
   * while as ended, and a recycling pattern or a long failure episode may go minutes without a
   * change worth a new signal.
   */
  private void refresh(long now, Sink sink) {
    long every = s.refresh().toMillis();
    for (CandidateSignal last : List.copyOf(openSignals.values())) {
      if (now - last.ts() >= every) {
        emit(sink, last.at(now));
      }
    }
  }

  private void emit(Sink sink, CandidateSignal signal) {
    if (signal.isActive()) {
      openSignals.put(signal.type(), signal);
    } else {
      openSignals.remove(signal.type());
    }
    sink.signal(signal);
  }

  /** Whether this target has seen no event since {@code idleSince} and has nothing open. */
  boolean idleSince(long idleSince) {
    return lastEventTs < idleSince && open.isEmpty();
  }

  /** Clears every open episode (before the target is forgotten). */
  void clearAll(long now, Sink sink) {
    if (burstSeverity != null) {
      emit(sink, CandidateSignal.cleared(CandidateType.CONNECTION_BURST, target, now));
    }
    if (periodicSeverity != null) {
      emit(sink, CandidateSignal.cleared(CandidateType.PERIODIC_CONNECTION_RECYCLING, target, now));
    }
    if (failureSeverity != null) {
      emit(sink, CandidateSignal.cleared(CandidateType.CONNECTION_FAILURES, target, now));
    }
    burstSeverity = null;
    periodicSeverity = null;
    failureSeverity = null;
  }

  /** True once per change of the pattern since the last call. */
  boolean takePatternChange() {
    boolean d = patternDirty;
    patternDirty = false;
    return d;
  }

  /** True when the working state is due for a checkpoint at {@code now} (and marks it done). */
  boolean takeCheckpointDue(long now, long intervalMs) {
    if (lastCheckpointTs == Long.MIN_VALUE || now - lastCheckpointTs >= intervalMs) {
      lastCheckpointTs = now;
      return true;
    }
    return false;
  }

  ConnectionPattern pattern() {
    return new ConnectionPattern(target, updatedTs, fleet.size(), List.copyOf(bursts), burstSeverity, lastBurstEndTs,
        periodicSeverity, periodMs / 1000.0, periodBursts, missedBursts, periodFraction, periodTrend,
        periodFirstBurstTs, periodLastBurstEndTs, failureSeverity, failureOnsetTs, failureLastTs, failures,
        Math.max(failingInstances.size(), failingInstancesRestored), failureBaseline,
        List.copyOf(openSignals.values()));
  }

  ConnectionDetectorState state() {
    return new ConnectionDetectorState(target, firstSeenTs, nextWindowStart, spansSeen, lastEventTs, fleet.snapshot(),
        opensBaseline.samples(), openersBaseline.samples(), failuresBaseline.samples());
  }

  int fleetSize() {
    return fleet.size();
  }

  /** Whether the fleet is still being discovered, so that fleet shares read too high. */
  private boolean warmingUp(long now) {
    return firstSeenTs == Long.MIN_VALUE || now - firstSeenTs < s.fleetWarmup().toMillis();
  }

  private void markChanged(long now) {
    patternDirty = true;
    updatedTs = now;
  }

  private void addCapped(Set<String> into, Set<String> from) {
    for (Iterator<String> it = from.iterator(); it.hasNext() && into.size() < s.maxInstancesPerWindow(); ) {
      into.add(it.next());
    }
  }

  private static Severity level(double fraction, double warning, double critical) {
    if (fraction >= critical) {
      return Severity.CRITICAL;
    }
    return fraction >= warning ? Severity.WARNING : Severity.INFO;
  }

  /** Least-squares slope of {@code ys} against 0, 1, 2, ...; 0 for fewer than two points. */
  static double slope(double[] ys) {
    int n = ys.length;
    if (n < 2) {
      return 0;
    }
    double mx = (n - 1) / 2.0;
    double my = 0;
    for (double y : ys) {
      my += y;
    }
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (i - mx) * (ys[i] - my);
      sxx += (i - mx) * (i - mx);
    }
    return sxy / sxx;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** "12 of 16 instances of frontend-api, checkout-api". */
  private static String instancesOf(int instances, int fleetSize, List<String> services) {
    StringBuilder b = new StringBuilder().append(instances).append(" of ").append(fleetSize).append(" instances");
    if (!services.isEmpty()) {
      b.append(" of ");
      for (int i = 0; i < Math.min(SUMMARY_SERVICES, services.size()); i++) {
        b.append(i == 0 ? "" : ", ").append(services.get(i));
      }
      if (services.size() > SUMMARY_SERVICES) {
        b.append(" and ").append(services.size() - SUMMARY_SERVICES).append(" more");
      }
    }
    return b.toString();
  }

  /** "15 min", "14 min 30 s", "10 s", "1 h 30 min". */
  static String seconds(long ms) {
    long total = Math.round(ms / 1000.0);
    if (total < 60) {
      return total + " s";
    }
    long h = total / 3600;
    long m = (total % 3600) / 60;
    long sec = total % 60;
    StringBuilder b = new StringBuilder();
    if (h > 0) {
      b.append(h).append(" h");
    }
    if (m > 0) {
      b.append(b.length() > 0 ? " " : "").append(m).append(" min");
    }
    if (sec > 0) {
      b.append(b.length() > 0 ? " " : "").append(sec).append(" s");
    }
    return b.toString();
  }

  /** A burst under way: the windows of all its spans, each counted once. */
  private static final class BurstBuilder {
    final long startTs;
    final double baseline;
    final double usualOpenersPerMs;
    final int cap;
    long endTs;
    long opens;
    long failures;
    int fleetSize;
    long lastWindowStart = Long.MIN_VALUE;
    final Set<String> openers = new HashSet<>();
    final TreeSet<String> services = new TreeSet<>();

    BurstBuilder(long startTs, double baseline, double usualOpenersPerMs, int cap) {
      this.startTs = startTs;
      this.baseline = baseline;
      this.usualOpenersPerMs = usualOpenersPerMs;
      this.cap = cap;
    }

    void addWindow(WindowAggregate x) {
      if (x.start <= lastWindowStart) {
        return;
      }
      lastWindowStart = x.start;
      opens += x.opens;
      failures += x.failures;
      for (Iterator<String> it = x.openers.iterator(); it.hasNext() && openers.size() < cap; ) {
        openers.add(it.next());
      }
      for (Iterator<String> it = x.services.iterator(); it.hasNext() && services.size() < cap; ) {
        services.add(it.next());
      }
    }

    BurstFigures build() {
      int instances = openers.size();
      // The background churn grows with the burst's length: a 15 s burst holds 1.5 spans of it.
      double usual = Math.min(instances, usualOpenersPerMs * (endTs - startTs));
      List<String> names = new ArrayList<>(services);
      return new BurstFigures(startTs, endTs, opens, baseline, instances, usual, Math.max(fleetSize, instances),
          Math.min(1.0, (instances - usual) / Math.max(1, fleetSize)), failures,
          names.subList(0, Math.min(names.size(), 8)));
    }
  }
}

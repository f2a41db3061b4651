package dev.foreshock.detect.gaps;

import dev.foreshock.avro.Severity;

/**
 * What is known about the reporting rhythm of one source: the recent intervals between its
 * reports (records with a new, later event time; several instances reporting at the same
 * instant count once), how many it has kept in a row, and when it last reported, in event time
 * and in wall-clock time. No Kafka types.
 *
 * <p>The usual interval is the longest of the last {@value #RING} intervals, so that a service
 * whose instances report at different offsets (short, irregular intervals that never exceed the
 * instances' own period) is judged by the longest wait it normally leaves. A source is silent
 * once it has not reported for {@code max(floor, multiple * usual)}. An interval that long from a
 * steady source is a gap, not its rhythm: it does not enter the intervals, and the source has to
 * report {@code minSamples} times in a row again before it can be flagged again.
 */
final class Cadence {

  static final int RING = 16;
  private static final double MEAN_WEIGHT = 0.1;

  final SourceKind kind;
  final String subject;
  final String service;
  private final long[] intervals = new long[RING];
  private int intervalCount;
  private int next;
  private long firstTs = Long.MIN_VALUE;
  private long lastTs = Long.MIN_VALUE;
  private long lastArrival;
  private int reports;
  private int run;
  private double meanInterval;
  Severity flagged;
  /** Event time of the last active signal of the gap in progress. */
  long lastSignalTs;
  boolean excused;
  boolean dirty;

  Cadence(SourceKind kind, String subject, String service) {
    this.kind = kind;
    this.subject = subject;
    this.service = service;
  }

  /** The key in the {@code gap-sources} store (instances qualified by their service: names may repeat). */
  String id() {
    return id(kind, subject, service);
  }

  /** The store key of a source of {@code kind} (the service only counts for an instance). */
  static String id(SourceKind kind, String subject, String service) {
    return kind.id(kind == SourceKind.INSTANCE ? service + "/" + subject : subject);
  }

  /** A record of this source with event time {@code ts} arrived at wall-clock time {@code arrival}. */
  void observe(long ts, long arrival, GapSettings settings) {
    lastArrival = arrival;
    dirty = true;
    if (lastTs == Long.MIN_VALUE) {
      firstTs = ts;
      lastTs = ts;
      reports = 1;
      return;
    }
    if (ts <= lastTs) {
      return; // the same round of reports, or out of order: says nothing about the rhythm
    }
    long interval = ts - lastTs;
    if (steady(settings) && interval >= threshold(settings)) {
      run = 0;
    } else {
      intervals[next] = interval;
      next = (next + 1) % RING;
      intervalCount = Math.min(intervalCount + 1, RING);
      meanInterval = run == 0 && intervalCount == 1
          ? interval
          : meanInterval + Math.max(MEAN_WEIGHT, 1.0 / intervalCount) * (interval - meanInterval);
      run++;
    }
    reports++;
    lastTs = ts;
  }

  /** Reported steadily for long enough to be judged. */
  boolean steady(GapSettings settings) {
    return run >= settings.minSamples();
  }

  /** The longest recent interval (0 before the second report). */
  long usualInterval() {
    long max = 0;
    for (int i = 0; i < intervalCount; i++) {
      max = Math.max(max, intervals[i]);
    }
    return max;
  }

  /** Silence after which this source is flagged. */
  long threshold(GapSettings settings) {
    return Math.max(settings.floor().toMillis(), Math.round(settings.multiple() * usualInterval()));
  }

  long lastTs() {
    return lastTs;
  }

  void arrivedNoEarlierThan(long wallTime) {
    lastArrival = Math.max(lastArrival, wallTime);
  }

  long lastArrival() {
    return lastArrival;
  }

  /** Whether records arrive close to their event time (live data rather than a replay of old data). */
  boolean live(GapSettings settings) {
    return Math.abs(lastArrival - lastTs) <= settings.wallClockMaxLag().toMillis();
  }

  /**
   * How long the source has been silent: by stream time, and (for live sources) by the wall
   * clock since its last record arrived, whichever is longer.
   */
  long silence(long streamTime, long wallTime, GapSettings settings) {
    long byStream = streamTime < 0 ? 0 : streamTime - lastTs;
    long byWall = live(settings) ? wallTime - lastArrival : 0;
    return Math.max(0, Math.max(byStream, byWall));
  }

  /** Event time now, as far as this source can tell: stream time, or its last report plus the wall-clock silence. */
  long eventTimeNow(long streamTime, long wallTime, GapSettings settings) {
    long byWall = live(settings) ? lastTs + (wallTime - lastArrival) : Long.MIN_VALUE;
    return Math.max(streamTime, Math.max(byWall, lastTs));
  }

  SourceCadence snapshot(GapSettings settings) {
    long[] recent = new long[intervalCount];
    int oldest = intervalCount < RING ? 0 : next;
    for (int i = 0; i < intervalCount; i++) {
      recent[i] = intervals[(oldest + i) % RING];
    }
    return new SourceCadence(kind, subject, service, firstTs, lastTs, lastArrival, reports, run, recent,
        meanInterval, usualInterval(), threshold(settings), steady(settings), flagged, lastSignalTs, excused);
  }

  static Cadence restore(SourceCadence s) {
    Cadence c = new Cadence(s.kind(), s.subject(), s.service());
    long[] recent = s.intervalsMs() == null ? new long[0] : s.intervalsMs();
    for (int i = Math.max(0, recent.length - RING); i < recent.length; i++) {
      c.intervals[c.next] = recent[i];
      c.next = (c.next + 1) % RING;
      c.intervalCount = Math.min(c.intervalCount + 1, RING);
    }
    c.firstTs = s.firstTs();
    c.lastTs = s.lastTs();
    c.lastArrival = s.lastArrivalMs();
    c.reports = s.reports();
    c.run = s.steadyRun();
    c.meanInterval = s.meanIntervalMs();
    c.flagged = s.flagged();
    c.lastSignalTs = s.lastSignalTs();
    c.excused = s.excused();
    return c;
  }
}

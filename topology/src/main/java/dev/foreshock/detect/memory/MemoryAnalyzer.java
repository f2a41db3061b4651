package dev.foreshock.detect.memory;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.detect.memory.MemorySeries.Aggregate;
import dev.foreshock.detect.memory.MemorySeries.HorizonState;
import dev.foreshock.detect.memory.MemorySeries.HostSample;
import dev.foreshock.detect.memory.MemorySeries.Ring;
import dev.foreshock.detect.memory.MemorySeries.SampleRing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory detectors' logic over one resource's {@link MemorySeries}, free of Kafka types (the
 * processor in {@link MemoryDetectors} only loads and stores the state and forwards what the
 * {@link Sink} receives). Per sample: O(hosts) to combine hosts, O(rapid window) for the rapid-rise
 * fit (at most {@value #RECENT_CAPACITY} samples), O(horizons) to fold a closed window into the
 * buckets; per closed bucket: O(points²) over the bounded ring (Theil–Sen, change point).
 * One instance per processor: it holds scratch buffers and is not thread-safe.
 */
public final class MemoryAnalyzer {

  /** How often an informational (non-judging) horizon's trend is refitted, in event time. */
  static final long INFO_REFIT_MS = Duration.ofMinutes(10).toMillis();

  /** Where the analysis goes. */
  public interface Sink {
    void window(MemoryWindow window);

    void trends(MemoryTrendView view);

    void signal(CandidateSignal signal);
  }

  static final int RECENT_CAPACITY = 64;
  /** Projections this close to exhaustion are not re-emitted for every small shift. */
  private static final long MIN_MATERIAL_MS = Duration.ofHours(12).toMillis();
  /** Least fit quality of the shortest horizon's line for fast growth. */
  private static final double FAST_MIN_R2 = 0.8;
  /** The daily judgement stays out of an episode that fast growth held this recently. */
  private static final long FAST_PRECEDENCE_MS = Duration.ofHours(3).toMillis();
  /** Fast growth must have held this long before it opens an episode (a step's ramp levels off sooner). */
  private static final long FAST_MIN_HOLD_MS = Duration.ofMinutes(30).toMillis();
  /** The quantile of the detrended bucket maxima of the last hour that fast growth projects from. */
  private static final double FAST_PEAK_QUANTILE = 0.9;
  /** A break in fast growth longer than this starts its hold afresh (shorter ones are noise). */
  private static final long FAST_HOLD_GAP_MS = Duration.ofMinutes(20).toMillis();
  /** Days of peaks whose median excursion above the envelope gives the projected peak level. */
  static final int PEAK_DAYS = 3;
  /** Least days in the judging horizon before its daily rhythm is estimated and taken out. */
  static final int SEASON_MIN_DAYS = 2;
  /** Growth opens only when the day's trough rose by this share of a day's projected growth. */
  private static final double DAY_RISE_SHARE = 0.25;
  private static final int SEASON_ITERATIONS = 3;
  /** Least day-to-day autocorrelation of the bucket means' changes for a daily rhythm to be taken out. */
  private static final double SEASON_MIN_PERIODICITY = 0.3;
  private static final double SQRT3 = Math.sqrt(3);
  private static final int WEEK_DAYS = 7;
  /** Buckets averaged at either end of a day's growth. */
  private static final int FILL_SMOOTHING = 3;
  /** The growth of a day not seen since the onset is at most this many times the mean growth seen. */
  private static final double FILL_MAX_RATIO = 1.25;

  private final MemorySettings settings;
  private final boolean informational;
  private final long windowMs;
  private final long hostExpiryMs;
  private final long rapidWindowMs;
  private final double[] xs;
  private final double[] ys;
  private final double[] ys2;
  private final double[] scratch;
  private final double[] zs;
  private final int[] phase;
  private final double[] season;
  private final double[] week;
  private final double[] peakAbove;

  public MemoryAnalyzer(MemorySettings settings) {
    this(settings, true);
  }

  /**
   * @param informational whether the horizons that do not judge growth (only the query API's trend
   *     view shows them) are fitted at all; an offline run that serves no query leaves them out
   */
  public MemoryAnalyzer(MemorySettings settings, boolean informational) {
    this.informational = informational;
    this.settings = settings;
    this.windowMs = settings.window().toMillis();
    this.hostExpiryMs = settings.hostExpiry().toMillis();
    this.rapidWindowMs = settings.rapidWindow().toMillis();
    int n = Math.max(settings.horizonPoints(), RECENT_CAPACITY);
    this.xs = new double[n];
    this.ys = new double[n];
    this.ys2 = new double[n];
    this.scratch = new double[n * (n - 1) / 2 + n];
    this.zs = new double[n];
    this.phase = new int[n];
    this.season = new double[n];
    this.week = new double[Math.max(n, 8 * 24)];
    this.peakAbove = new double[n];
  }

  /** A new, empty state for {@code resource}. */
  public MemorySeries newSeries(String resource) {
    MemorySeries s = new MemorySeries();
    s.resource = resource;
    s.recent = new SampleRing(RECENT_CAPACITY);
    long historyWindows = settings.rapidHistory().toMillis() / windowMs + 2;
    s.windowMax = new SampleRing((int) Math.min(historyWindows, 1_500));
    for (Duration h : settings.horizons()) {
      long hm = h.toMillis();
      long bucket = Math.max(windowMs, hm / settings.horizonPoints());
      bucket = (bucket + windowMs - 1) / windowMs * windowMs;
      int points = (int) Math.max(2, Math.min(settings.horizonPoints(), hm / bucket));
      s.horizons.add(new HorizonState(hm, bucket, points));
    }
    HorizonState judging = s.horizons.get(s.horizons.size() - 1);
    judging.evicted = new SampleRing(evictedCapacity(judging));
    judging.ring.sd = new double[judging.ring.capacity()];
    return s;
  }

  /** A day of buckets (at least one, at most the ring's capacity): what the judging horizon keeps of the buckets that left its ring. */
  private static int evictedCapacity(HorizonState h) {
    long dayMs = Duration.ofDays(1).toMillis();
    return (int) Math.max(1, Math.min(h.ring.capacity(), dayMs / h.bucketMs));
  }

  /**
   * A stored state, ready to go on with, or null when it was built with other settings' horizons
   * and rings (then it is started afresh rather than misread). A state written before the judging
   * horizon kept its buckets' spread and the day that left its ring is brought up to date with its
   * history: the spread of its stored buckets makes their peak their maximum (as it was), and the
   * day that left the ring starts empty.
   */
  public MemorySeries adopt(MemorySeries s) {
    if (s.horizons.isEmpty()) {
      return null;
    }
    HorizonState judging = s.horizons.get(s.horizons.size() - 1);
    if (judging.ring != null && judging.ring.sd == null && judging.evicted == null && judging.ring.start != null) {
      Ring r = judging.ring;
      r.sd = new double[r.capacity()];
      for (int i = 0; i < r.capacity(); i++) {
        r.sd[i] = Math.max(0, (r.max[i] - r.mean[i]) / SQRT3);
      }
      judging.evicted = new SampleRing(evictedCapacity(judging));
    }
    return fits(s) ? s : null;
  }

  /**
   * Whether a stored state was built with these settings' horizons and rings; a state from other
   * settings (horizons changed between runs) is started afresh rather than misread.
   */
  boolean fits(MemorySeries s) {
    MemorySeries fresh = newSeries(s.resource);
    if (s.recent == null || s.windowMax == null || s.horizons.size() != fresh.horizons.size()
        || s.recent.ts.length != fresh.recent.ts.length || s.windowMax.ts.length != fresh.windowMax.ts.length) {
      return false;
    }
    for (int i = 0; i < fresh.horizons.size(); i++) {
      HorizonState a = s.horizons.get(i);
      HorizonState b = fresh.horizons.get(i);
      if (a.horizonMs != b.horizonMs || a.bucketMs != b.bucketMs || a.ring.capacity() != b.ring.capacity()
          || (b.ring.sd == null) != (a.ring.sd == null) || a.ring.sd != null && a.ring.sd.length != a.ring.capacity()
          || (b.evicted == null) != (a.evicted == null)
          || b.evicted != null && a.evicted.ts.length != b.evicted.ts.length) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds one sample. Returns false (and changes nothing) when the sample is older than the open
   * window: late samples are dropped.
   *
   * @param limit the sample's {@code maxBytes}, or 0 when none
   */
  public boolean observe(MemorySeries s, long ts, String host, long used, long limit, Sink sink) {
    if (s.window.open() && ts < s.window.start) {
      return false;
    }
    if (s.firstTs == Long.MIN_VALUE) {
      s.firstTs = ts;
    }
    s.lastTs = Math.max(s.lastTs, ts);
    double combined = combine(s, ts, host == null ? "" : host, used, limit);

    long windowStart = Math.floorDiv(ts, windowMs) * windowMs;
    if (s.window.open() && windowStart > s.window.start) {
      closeWindow(s, sink);
      s.window.count = 0;
    }
    if (!s.window.open()) {
      s.window.reset(windowStart);
    }
    s.window.add(combined);
    s.lastUsed = combined;

    s.recent.add(ts, combined);
    s.recent.dropBefore(ts - rapidWindowMs);
    judgeRapidRise(s, ts, combined, sink);
    return true;
  }

  /** The resource's level: the fullest host that reported within the host expiry. */
  private double combine(MemorySeries s, long ts, String host, long used, long limit) {
    HostSample h = s.hosts.get(host);
    if (h == null) {
      s.hosts.put(host, new HostSample(ts, used, limit));
    } else if (ts >= h.ts) {
      h.ts = ts;
      h.used = used;
      h.limit = limit;
    }
    if (s.hosts.size() == 1) {
      HostSample only = s.hosts.values().iterator().next();
      s.limit = only.limit;
      return only.used;
    }
    double bestFraction = -1;
    double bestUsed = used;
    long bestLimit = limit;
    for (Iterator<HostSample> it = s.hosts.values().iterator(); it.hasNext(); ) {
      HostSample x = it.next();
      if (x.ts < ts - hostExpiryMs) {
        it.remove();
        continue;
      }
      double fraction = x.limit > 0 ? (double) x.used / x.limit : x.used / 1e18;
      if (fraction > bestFraction) {
        bestFraction = fraction;
        bestUsed = x.used;
        bestLimit = x.limit;
      }
    }
    s.limit = bestLimit;
    return bestUsed;
  }

  private void closeWindow(MemorySeries s, Sink sink) {
    Aggregate w = s.window;
    sink.window(new MemoryWindow(s.resource, w.start, w.start + windowMs, Math.round(w.min), Math.round(w.max),
        w.sum / w.count, Math.round(w.last), w.count, s.limit > 0 ? s.limit : null));
    s.windowMax.add(w.start, w.max);
    long windowEnd = w.start + windowMs;
    boolean anyTrend = false;
    int last = s.horizons.size() - 1;
    for (int i = 0; i <= last; i++) {
      HorizonState h = s.horizons.get(i);
      long bucketStart = Math.floorDiv(w.start, h.bucketMs) * h.bucketMs;
      if (h.bucket.open() && bucketStart > h.bucket.start) {
        if (h.evicted != null && h.ring.size == h.ring.capacity()) {
          int oldest = h.ring.slot(0);
          h.evicted.add(h.ring.start[oldest], h.ring.mean[oldest]);
        }
        h.ring.add(h.bucket.start, h.bucket.min, h.bucket.max, h.bucket.sum / h.bucket.count, h.bucket.sd());
        h.bucket.count = 0;
        // an informational horizon (only the query API's trend view) is refitted at most every
        // INFO_REFIT_MS: the 1-h horizon closes a bucket every minute, and its O(k^2) fits were
        // the largest cost of the detector
        if (i == last || informational && (h.trend == null || windowEnd - h.trend.ts() >= INFO_REFIT_MS)) {
          fitHorizon(s, h, windowEnd, i == last, sink);
        }
        if (i == 0 && last > 0) {
          judgeFastGrowth(s, h, s.horizons.get(last), windowEnd, sink);
        }
        anyTrend = true;
      }
      if (!h.bucket.open()) {
        h.bucket.reset(bucketStart);
      }
      h.bucket.add(w);
    }
    if (anyTrend) {
      List<HorizonTrend> trends = new ArrayList<>(s.horizons.size());
      for (HorizonState h : s.horizons) {
        if (h.trend != null) {
          trends.add(h.trend);
        }
      }
      sink.trends(new MemoryTrendView(s.resource, windowEnd, Math.round(w.last), s.limit > 0 ? s.limit : null,
          s.limit > 0 ? w.last / s.limit : null, trends, s.growthSeverity, s.rapidActive));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // growth

  /** Fits one horizon after a bucket closed at {@code now}; the judging horizon also decides growth. */
  private void fitHorizon(MemorySeries s, HorizonState h, long now, boolean judge, Sink sink) {
    Ring r = h.ring;
    int n = r.size;
    for (int i = 0; i < n; i++) {
      int k = r.slot(i);
      xs[i] = (r.start[k] + h.bucketMs / 2.0 - now) / 1000.0;
      ys[i] = r.min[k];
      ys2[i] = r.mean[k];
    }
    long minSpanSec = settings.growthMinSpan().toSeconds();
    int periods = judge ? dailyPhases(h, n) : 0;
    boolean seasonal = periods > 0 && deseasonalise(n, periods);
    int from = 0;
    int lastCandidate = -1;
    if (judge) {
      for (int i = 0; i < n; i++) {
        if (xs[n - 1] - xs[i] >= minSpanSec) {
          lastCandidate = i;
        }
      }
      if (lastCandidate >= 0 && n >= 6) {
        from = TrendMath.hingeChangePoint(xs, ys, 0, n, Math.min(lastCandidate, n - 6));
      }
      // an open episode keeps its onset: the fit spans all of it that the ring holds, so that a
      // weekend's slower growth neither moves the onset nor leaves the slope to the weekdays
      if (s.growthSeverity != null && s.growthOnsetTs != 0) {
        int episodeFrom = 0;
        while (episodeFrom < n - 6 && r.start[r.slot(episodeFrom)] + h.bucketMs <= s.growthOnsetTs) {
          episodeFrom++;
        }
        from = Math.min(from, episodeFrom);
      }
    }
    // informational horizons fit the whole ring; their change point only dates the onset
    int onsetIndex = judge ? from : (n >= 6 ? TrendMath.hingeChangePoint(xs, ys, 0, n, n - 3) : 0);
    double slope = TrendMath.theilSenSlope(xs, ys, from, n, scratch);
    double atNow = TrendMath.medianIntercept(xs, ys, from, n, slope, scratch);
    TrendMath.Fit envelope = TrendMath.ols(xs, ys, from, n);
    TrendMath.Fit level = TrendMath.ols(xs, ys2, from, n);

    // the projection: with the daily rhythm taken out, from the level (bucket means, least
    // squares: robust to outliers, and the average of a growth that is faster on weekdays than at
    // weekends, where a median of pair slopes would take the weekday rate)
    boolean byLevel = seasonal && level.slope() > 0;
    double projSlope = byLevel ? level.slope() : slope;
    double projNow = byLevel ? level.intercept() : atNow;
    double excursion = peakExcursion(r, from, n, projNow, projSlope, minSpanSec, periods);
    double peakNow = projNow + excursion;
    Double ste = null;
    long provisionalOnset = n == 0 ? now : r.start[r.slot(onsetIndex)];
    if (judge && s.growthSeverity != null && s.growthOnsetTs != 0) {
      provisionalOnset = Math.min(provisionalOnset, s.growthOnsetTs);
    }
    if (s.limit > 0 && slope > 0) {
      double weekly = judge ? weeklyProjection(h, n, now, provisionalOnset, s.limit) : Double.NaN;
      ste = Double.isNaN(weekly) ? TrendMath.secondsToExhaustion(peakNow, s.limit, projSlope) : weekly;
    }
    long onsetTs = n == 0 ? now : r.start[r.slot(onsetIndex)];
    if (judge && s.growthSeverity != null && s.growthOnsetTs != 0) {
      onsetTs = Math.min(onsetTs, s.growthOnsetTs);
    }
    h.trend = new HorizonTrend(h.horizonMs / 1000, n - from, slope, level.slope(), envelope.r2(), ste, onsetTs,
        now, judge);
    if (!judge) {
      return;
    }

    boolean eligible = lastCandidate >= 0 && n - from >= 6;
    // growth rises in both halves of its stretch; a step rises in one of them only, and a daily
    // rhythm falls in one of them
    double firstHalf = 0;
    double secondHalf = 0;
    if (eligible) {
      double mid = (xs[from] + xs[n - 1]) / 2;
      int split = from + 1;
      while (split < n - 2 && xs[split] < mid) {
        split++;
      }
      firstHalf = TrendMath.theilSenSlope(xs, ys, from, split + 1, scratch);
      secondHalf = TrendMath.theilSenSlope(xs, ys, split, n, scratch);
    }
    double recentSlope = Math.min(firstHalf, secondHalf);
    // a line must explain the stretch better than one jump between two flat levels does
    boolean notAStep = eligible
        && TrendMath.sse(xs, ys, from, n, envelope.slope(), envelope.intercept()) < TrendMath.bestStepSse(ys, from, n);
    boolean rising = eligible && s.limit > 0 && slope > 0 && level.slope() > 0
        && envelope.r2() >= settings.growthMinR2()
        && recentSlope >= settings.growthHalfRatio() * slope
        && notAStep
        && (!seasonal || troughRise(h, now) >= DAY_RISE_SHARE * slope * 86_400);
    // once reported, growth holds while the envelope still rises over the last two min-spans
    // (weaker than the test to open, so that a daily rhythm over the leak does not make it flap)
    boolean sustained = false;
    if (eligible && s.limit > 0 && slope > 0) {
      int tailFrom = from;
      while (tailFrom < n - 3 && xs[tailFrom] < -2.0 * minSpanSec) {
        tailFrom++;
      }
      sustained = TrendMath.theilSenSlope(xs, ys, tailFrom, n, scratch) >= 0.5 * settings.growthHalfRatio() * slope;
    }
    boolean holds = s.growthSeverity == null ? rising : sustained;
    Severity severity = null;
    if (holds && ste != null) {
      if (ste <= settings.growthLeeway().toSeconds()) {
        severity = Severity.CRITICAL;
      } else if (ste <= settings.growthWarnWithin().toSeconds()) {
        severity = Severity.WARNING;
      }
    }
    if (s.fastGrowthTs != 0 && now - s.fastGrowthTs <= FAST_PRECEDENCE_MS) {
      return; // fast growth holds: its figures (hours) are the better ones, do not flip them
    }
    decideGrowth(s, severity, now, slope, envelope.r2(), ste, h, onsetTs, excursion > 0.05 * s.limit, sink);
  }

  /**
   * How far the peaks ride above the envelope line (by the sawtooth and the daily rhythm), so that
   * the projection is that of the peaks. With {@value #PEAK_DAYS} days of buckets in daily phases
   * since the onset: for each phase (time of day) the median over those days of the bucket maxima's
   * excursions above the line, and the largest of these; an outlier, which lifts one bucket's
   * maximum on most days, thus never brings the projected exhaustion forward. Otherwise the second
   * largest excursion of the last min-span (one outlier does not count).
   */
  private double peakExcursion(Ring r, int from, int n, double atNow, double slope, long minSpanSec, int periods) {
    double daysSec = PEAK_DAYS * 86_400.0;
    if (periods > 0 && n > from && xs[from] <= -daysSec) {
      double best = 0;
      for (int p = 0; p < periods; p++) {
        int m = 0;
        for (int i = from; i < n; i++) {
          if (phase[i] == p && xs[i] >= -daysSec) {
            zs[m++] = typicalPeak(r, r.slot(i)) - (atNow + slope * xs[i]);
          }
        }
        if (m > 0) {
          best = Math.max(best, TrendMath.median(zs, m));
        }
      }
      return best;
    }
    double top = 0;
    double second = 0;
    for (int i = from; i < n; i++) {
      if (xs[i] >= -minSpanSec) {
        double e = typicalPeak(r, r.slot(i)) - (atNow + slope * xs[i]);
        if (e > top) {
          second = top;
          top = e;
        } else if (e > second) {
          second = e;
        }
      }
    }
    return second;
  }

  /**
   * Seconds until the typical peaks reach {@code limit}, projected bucket by bucket with the growth
   * of the same time of the week before: the level a week from now is that of now-plus-the-bucket a
   * week ago plus the week's growth (a leak that follows the traffic grows less at night and at
   * weekends, and a projection at the average rate errs by a fifth when the days left are weekdays,
   * or a weekend). A bucket's peak is its mean plus the typical excursion of the peaks above the
   * mean at that time of day (the median over the last {@value #PEAK_DAYS} days of
   * {@link #typicalPeak} less the mean). The stretch of the week before the onset (or before the
   * ring and the day that left it) is filled in at the fastest 24-h growth seen since the onset,
   * at most {@value #FILL_MAX_RATIO} times the mean. Returns NaN without two whole days since the onset or when the buckets do not
   * divide a day (the caller falls back to the fitted line). O(points + days projected).
   */
  private double weeklyProjection(HorizonState h, int n, long now, long onsetTs, double limit) {
    long dayMs = Duration.ofDays(1).toMillis();
    if (dayMs % h.bucketMs != 0 || dayMs / h.bucketMs < 4) {
      return Double.NaN;
    }
    int perDay = (int) (dayMs / h.bucketMs);
    int weekLen = WEEK_DAYS * perDay;
    Ring r = h.ring;
    // the last whole day ends with the last closed bucket, a window or so before now
    long end = n == 0 ? now : r.start[r.slot(n - 1)] + h.bucketMs;
    if (n < 2 * perDay || now - end >= h.bucketMs || weekLen + perDay > week.length) {
      return Double.NaN;
    }
    // whole days since the onset, counted back from now
    int daysAfterOnset = 0;
    while (daysAfterOnset < n / perDay && r.start[r.slot(n - perDay * (daysAfterOnset + 1))] >= onsetTs) {
      daysAfterOnset++;
    }
    if (daysAfterOnset < 2) {
      return Double.NaN;
    }
    // the growth of a day not seen since the onset: the fastest of the days seen (each the growth
    // over 24 h between the same times of day, a few buckets averaged); a leak that follows the
    // traffic and began before a weekend is thus not projected at its weekend pace all week long
    int onsetIndex = n - perDay * daysAfterOnset;
    while (onsetIndex > 0 && r.start[r.slot(onsetIndex - 1)] >= onsetTs) {
      onsetIndex--;
    }
    double meanGrowth = (blockMean(r, n, perDay, 0) - blockMean(r, n, perDay, daysAfterOnset - 1))
        / (daysAfterOnset - 1);
    double fastest = Double.NEGATIVE_INFINITY;
    for (int e = onsetIndex + perDay + FILL_SMOOTHING - 1; e < n; e++) {
      fastest = Math.max(fastest, meanOf(r, e - FILL_SMOOTHING + 1, e + 1)
          - meanOf(r, e - perDay - FILL_SMOOTHING + 1, e - perDay + 1));
    }
    // (at most FILL_MAX_RATIO times the mean: a daily rhythm that differs by weekday also shows in
    // the growth between the same times of two days)
    double perDayGrowth = Math.max(meanGrowth, Math.min(fastest, FILL_MAX_RATIO * meanGrowth));
    // eight days of bucket means up to now, as a leak running all along would have shown them:
    // the ring (seven days), the day that left it, and before the onset the level less the growth
    // the leak would have added
    int len = weekLen + perDay;
    SampleRing out = h.evicted;
    for (int p = len - 1; p >= 0; p--) {
      int v = n - (len - p);
      long t = end - (long) (len - p) * h.bucketMs;
      double m;
      if (v >= 0) {
        m = r.mean[r.slot(v)];
      } else if (out != null && out.size >= -v && out.ts[out.slot(out.size + v)] == t) {
        m = out.used[out.slot(out.size + v)];
      } else {
        week[p] = week[p + perDay] - perDayGrowth;
        continue;
      }
      if (t < onsetTs) {
        m += perDayGrowth * (t - onsetTs) / (double) dayMs;
      }
      week[p] = m;
    }
    // the typical excursion of the peaks above the mean, per time of day (index p % perDay)
    int peakDays = Math.min(PEAK_DAYS, daysAfterOnset);
    for (int q = 0; q < perDay; q++) {
      for (int d = 0; d < peakDays; d++) {
        int k = r.slot(n - perDay * (d + 1) + q);
        zs[d] = typicalPeak(r, k) - r.mean[k];
      }
      peakAbove[q] = TrendMath.median(zs, peakDays);
    }
    // the week's growth: the last day's mean less the mean of the same day a week before
    double weekGrowth = 0;
    for (int q = 0; q < perDay; q++) {
      weekGrowth += week[len - perDay + q] - week[q];
    }
    weekGrowth /= perDay;
    double prev = week[len - 1] + peakAbove[(len - 1) % perDay];
    double prevT = -h.bucketMs / 2.0; // bucket centre, relative to end
    if (prev >= limit) {
      return 0;
    }
    if (!(weekGrowth > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    long horizonMs = settings.growthWarnWithin().toMillis() * 2;
    for (int w = 1; ; w++) {
      for (int j = 0; j < weekLen; j++) {
        double t = (j - weekLen + 0.5) * h.bucketMs + w * 7.0 * dayMs;
        double q = week[perDay + j] + w * weekGrowth + peakAbove[j % perDay];
        if (q >= limit) {
          double at = q > prev ? prevT + (t - prevT) * (limit - prev) / (q - prev) : t;
          return Math.max(0, (at - (now - end)) / 1000.0);
        }
        prev = q;
        prevT = t;
        if (t > horizonMs) {
          return Double.POSITIVE_INFINITY;
        }
      }
    }
  }

  /** The mean of the bucket means of ring positions {@code [from, to)}. */
  private static double meanOf(Ring r, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += r.mean[r.slot(i)];
    }
    return sum / (to - from);
  }

  /** The mean of the bucket means of whole day {@code j} back from now (0 = the last 24 h). */
  private static double blockMean(Ring r, int n, int perDay, int j) {
    double sum = 0;
    for (int i = n - perDay * (j + 1); i < n - perDay * j; i++) {
      sum += r.mean[r.slot(i)];
    }
    return sum / perDay;
  }

  /**
   * The typical top of a bucket's samples: its mean plus sqrt(3) standard deviations, the top of a
   * sawtooth (values spread evenly between trough and top) without the noise's extreme that the
   * bucket's maximum carries (about 2.5 noise deviations for a hundred samples); never above the
   * maximum. The informational horizons keep no spread: their maximum.
   */
  private static double typicalPeak(Ring r, int k) {
    return r.sd == null ? r.max[k] : Math.min(r.max[k], r.mean[k] + SQRT3 * r.sd[k]);
  }

  /**
   * Fills {@link #phase} with each bucket's slot of the day (UTC) and returns the slots per day, or
   * 0 when the buckets do not divide a day into at least four.
   */
  private int dailyPhases(HorizonState h, int n) {
    long dayMs = Duration.ofDays(1).toMillis();
    if (dayMs % h.bucketMs != 0 || dayMs / h.bucketMs < 4) {
      return 0;
    }
    Ring r = h.ring;
    for (int i = 0; i < n; i++) {
      phase[i] = (int) (Math.floorMod(r.start[r.slot(i)], dayMs) / h.bucketMs);
    }
    return (int) (dayMs / h.bucketMs);
  }

  /**
   * Takes the daily rhythm out of the judging horizon's minima and means (in {@link #ys} and
   * {@link #ys2}), when its buckets divide a day and it holds at least {@value #SEASON_MIN_DAYS}
   * days: what is left is the net growth across days, which a morning ramp, a weekday load shape
   * or a leak that grows only with the daytime traffic no longer hide or imitate.
   */
  private boolean deseasonalise(int n, int periods) {
    if (n < SEASON_MIN_DAYS * periods) {
      return false;
    }
    double acf = TrendMath.periodicity(ys2, n, periods);
    if (acf < SEASON_MIN_PERIODICITY) {
      return false;
    }
    int knots = Math.max(0, n - 6);
    TrendMath.deseasonalise(xs, ys, n, phase, periods, knots, SEASON_ITERATIONS, season, zs, scratch);
    System.arraycopy(zs, 0, ys, 0, n);
    TrendMath.deseasonalise(xs, ys2, n, phase, periods, knots, SEASON_ITERATIONS, season, zs, scratch);
    System.arraycopy(zs, 0, ys2, 0, n);
    return true;
  }

  /**
   * How much the day's trough rose: the lowest bucket mean of the last 24 h less the lowest of the
   * 24 h before (raw, not de-seasonalised). A daily rhythm returns to the same trough every night,
   * whatever its weekday shape; growth lifts it. Negative infinity without two days of buckets.
   */
  private static double troughRise(HorizonState h, long now) {
    long dayMs = Duration.ofDays(1).toMillis();
    Ring r = h.ring;
    double last = Double.POSITIVE_INFINITY;
    double before = Double.POSITIVE_INFINITY;
    for (int i = 0; i < r.size; i++) {
      int k = r.slot(i);
      if (r.start[k] >= now - dayMs) {
        last = Math.min(last, r.mean[k]);
      } else if (r.start[k] >= now - 2 * dayMs) {
        before = Math.min(before, r.mean[k]);
      }
    }
    return last == Double.POSITIVE_INFINITY || before == Double.POSITIVE_INFINITY
        ? Double.NEGATIVE_INFINITY : last - before;
  }

  /**
   * Growth too fast for the daily judgement (exhaustion within {@code memory.growth.fast-within},
   * hours) and too slow for a rapid rise: judged on the shortest horizon, its rolling minimum must
   * be a clean line (r2 &ge; {@value #FAST_MIN_R2}, both halves rising, better than a step) and
   * break above the highest level of the week before by the rapid breakout, which a daily rhythm or
   * a sawtooth never does. It opens once it has held {@code FAST_MIN_HOLD_MS} (breaks of up to
   * {@code FAST_HOLD_GAP_MS} allowed) and the envelope has gained at least half the slope over the
   * hold (a step's ramp levels off).
   */
  private void judgeFastGrowth(MemorySeries s, HorizonState shortest, HorizonState longest, long now, Sink sink) {
    Ring r = shortest.ring;
    int n = r.size;
    long dayMs = Duration.ofDays(1).toMillis();
    if (s.limit <= 0 || n < Math.max(6, r.capacity() * 3 / 4) || now - s.firstTs < dayMs + shortest.horizonMs) {
      return;
    }
    // envelope: the rolling minimum over a quarter of the horizon, so that a sawtooth of up to
    // that period (a cleaner every 10 min) does not show; the slice shrinks by that many buckets
    int span = Math.max(1, n / 4);
    int m = n - span + 1;
    for (int i = 0; i < m; i++) {
      double low = Double.POSITIVE_INFINITY;
      for (int j = i; j < i + span; j++) {
        low = Math.min(low, r.min[r.slot(j)]);
      }
      int k = r.slot(i + span - 1);
      xs[i] = (r.start[k] + shortest.bucketMs / 2.0 - now) / 1000.0;
      ys[i] = low;
    }
    n = m;
    // the cheap test first: most envelopes are no straight line at all, and the robust slope
    // (O(n^2)) was the largest single cost of the detector when computed for every one of them
    TrendMath.Fit line = TrendMath.ols(xs, ys, 0, n);
    double slope = line.r2() < FAST_MIN_R2 ? 0 : TrendMath.theilSenSlope(xs, ys, 0, n, scratch);
    if (!(slope > 0)) {
      passFast(s, now, sink);
      return;
    }
    int split = n / 2;
    double firstHalf = TrendMath.theilSenSlope(xs, ys, 0, split + 1, scratch);
    double secondHalf = TrendMath.theilSenSlope(xs, ys, split, n, scratch);
    boolean clean = Math.min(firstHalf, secondHalf) >= settings.growthHalfRatio() * slope
        && TrendMath.sse(xs, ys, 0, n, line.slope(), line.intercept()) < TrendMath.bestStepSse(ys, 0, n);
    double priorMax = Double.NEGATIVE_INFINITY;
    Ring day = longest.ring;
    for (int i = 0; i < day.size; i++) {
      int k = day.slot(i);
      long end = day.start[k] + longest.bucketMs;
      if (end <= now - shortest.horizonMs) {
        priorMax = Math.max(priorMax, day.max[k]);
      }
    }
    double atNow = TrendMath.medianIntercept(xs, ys, 0, n, slope, scratch);
    // the peaks: the upper decile of the detrended bucket maxima (the top of the sawtooth; the
    // very highest are the noise's tail and outliers, and would bring the projection forward)
    for (int i = 0; i < r.size; i++) {
      int k = r.slot(i);
      zs[i] = r.max[k] - slope * (r.start[k] + shortest.bucketMs / 2.0 - now) / 1000.0;
    }
    double peakNow = Math.max(TrendMath.quantile(zs, r.size, FAST_PEAK_QUANTILE), atNow);
    double ste = TrendMath.secondsToExhaustion(peakNow, s.limit, slope);
    boolean breakout = priorMax != Double.NEGATIVE_INFINITY
        && r.max[r.slot(r.size - 1)] >= priorMax + settings.rapidBreakout() * s.limit;
    boolean climbing = clean && ste <= settings.growthFastWithin().toSeconds();
    if (climbing) {
      if (s.fastHoldSince == 0 || now - s.fastLastPassTs > FAST_HOLD_GAP_MS) {
        s.fastHoldSince = now;
        s.fastHoldLevel = atNow;
      }
      s.fastLastPassTs = now;
    }
    if (climbing && breakout) {
      // it must have held a while and still be climbing: a step's ramp (a reindex, a cache
      // warm-up) levels off, and its envelope then gains less than half the slope over the hold
      if (s.growthSeverity == null && (now - s.fastHoldSince < FAST_MIN_HOLD_MS
          || atNow - s.fastHoldLevel < settings.growthHalfRatio() * slope * (now - s.fastHoldSince) / 1000.0)) {
        return;
      }
      s.fastGrowthTs = now;
      Severity severity = ste <= settings.growthLeeway().toSeconds() ? Severity.CRITICAL : Severity.WARNING;
      decideGrowth(s, severity, now, slope, line.r2(), ste, shortest, r.start[r.slot(0)],
          peakNow - atNow > 0.05 * s.limit, sink);
    } else {
      passFast(s, now, sink);
    }
  }

  /** A fast-growth evaluation that did not hold: it only counts towards clearing what it opened. */
  private void passFast(MemorySeries s, long now, Sink sink) {
    if (s.fastGrowthTs != 0 && s.growthSeverity != null) {
      decideGrowth(s, null, now, 0, 0, null, null, now, false, sink);
    }
  }

  private void decideGrowth(MemorySeries s, Severity severity, long now, double slope, double r2, Double ste,
      HorizonState h, long onsetTs, boolean sawtooth, Sink sink) {
    int persistence = settings.growthPersistence();
    if (severity == null) {
      s.growthPass = 0;
      if (s.growthSeverity != null) {
        if (s.growthFailSince == 0) {
          s.growthFailSince = now;
        } else if (now - s.growthFailSince >= settings.growthClearAfter().toMillis()) {
          s.growthSeverity = null;
          s.growthFailSince = 0;
          s.growthOnsetTs = 0;
          sink.signal(CandidateSignal.cleared(CandidateType.MEMORY_GROWTH, s.resource, now));
        }
      }
      return;
    }
    s.growthFailSince = 0;
    s.growthPass++;
    if (s.growthSeverity == null && s.growthPass < persistence) {
      return;
    }
    long exhaustionTs = now + Math.round(ste * 1000);
    // at the limit already (peaks there) and said so before: nothing new to say
    boolean stillExhausted = ste < 60 && s.growthEmittedExhaustionTs <= now;
    // Re-sent every memory.growth.resend while it holds: the lifecycle treats an episode without
    // fresh signals as stale (correlation.stale.slow) and drops repeats that change nothing.
    boolean material = s.growthSeverity == null
        || !s.growthSeverity.equals(severity.name())
        || !settings.growthResend().isZero() && now - s.growthEmittedTs >= settings.growthResend().toMillis()
        || !stillExhausted && Math.abs(exhaustionTs - s.growthEmittedExhaustionTs)
            >= settings.growthMaterialChange() * Math.max(MIN_MATERIAL_MS, s.growthEmittedExhaustionTs - now);
    if (!material) {
      return;
    }
    if (s.growthSeverity == null) {
      s.growthOnsetTs = onsetTs;
    }
    s.growthSeverity = severity.name();
    s.growthEmittedExhaustionTs = exhaustionTs;
    s.growthEmittedTs = now;
    double usedFraction = s.lastUsed / s.limit;
    Map<String, Double> evidence = new LinkedHashMap<>();
    evidence.put("slopeBytesPerSecond", slope);
    evidence.put("r2", r2);
    evidence.put("secondsToExhaustion", ste);
    evidence.put("usedFraction", usedFraction);
    evidence.put("horizonSeconds", (double) (h.horizonMs / 1000));
    evidence.put("onsetTs", (double) onsetTs);
    String summary = String.format(java.util.Locale.ROOT,
        "%s memory grows %s/day%s since %s (r2 %.2f, now %.0f%% of %s); at this rate it reaches"
            + " its limit in %s (%s). Find what stopped deleting or expiring data.",
        s.resource, Formats.bytes(slope * 86_400), sawtooth ? " under its sawtooth" : "", Formats.minute(onsetTs), r2, usedFraction * 100,
        Formats.bytes(s.limit), ste < 60 ? "no time: its peaks reach it already" : Formats.duration(ste),
        Formats.minute(exhaustionTs));
    sink.signal(CandidateSignal.active(CandidateType.MEMORY_GROWTH, s.resource, severity, now, onsetTs, now,
        summary, evidence, onsetTs));
  }

  // ---------------------------------------------------------------------------------------------
  // rapid rise

  private void judgeRapidRise(MemorySeries s, long now, double last, Sink sink) {
    boolean holds = false;
    double slope = 0;
    double ste = Double.POSITIVE_INFINITY;
    long onsetTs = now;
    double normal = Double.NEGATIVE_INFINITY;
    SampleRing recent = s.recent;
    int n = recent.size;
    if (s.limit > 0 && n >= settings.rapidMinSamples()
        && now - s.firstTs >= settings.rapidMinHistory().toMillis()) {
      double min = Double.POSITIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        int k = recent.slot(i);
        xs[i] = (recent.ts[k] - now) / 1000.0;
        ys[i] = recent.used[k];
        min = Math.min(min, ys[i]);
      }
      // the climb began after the last sample still near the window's low
      double nearLow = min + 0.1 * (last - min);
      for (int i = 0; i < n; i++) {
        if (ys[i] <= nearLow) {
          onsetTs = recent.ts[recent.slot(i)];
        }
      }
      normal = normalLevel(s, now);
      TrendMath.Fit fit = TrendMath.ols(xs, ys, 0, n);
      slope = fit.slope();
      if (slope > 0 && fit.r2() >= settings.rapidMinR2()
          && last - min >= settings.rapidMinRise() * s.limit
          && last >= normal + settings.rapidBreakout() * s.limit) {
        int half = n / 2;
        double recentSlope = TrendMath.ols(xs, ys, half, n).slope();
        ste = TrendMath.secondsToExhaustion(last, s.limit, slope);
        holds = recentSlope >= 0.5 * slope && ste <= settings.rapidHorizon().toSeconds();
      }
    }
    if (holds) {
      s.rapidLastHoldTs = now;
      if (!s.rapidActive) {
        s.rapidActive = true;
        s.rapidBreakoutLevel = normal + settings.rapidBreakout() * s.limit;
        double usedFraction = last / s.limit;
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("slopeBytesPerSecond", slope);
        evidence.put("secondsToExhaustion", ste);
        evidence.put("usedFraction", usedFraction);
        String summary = String.format(java.util.Locale.ROOT,
            "%s memory climbs %s/min since %s and is at %.0f%% of its limit %s: full in %s. Check what changed"
                + " just before (deploy, job, traffic) and roll it back before writes are refused.",
            s.resource, Formats.bytes(slope * 60), Formats.second(onsetTs), usedFraction * 100,
            Formats.bytes(s.limit), Formats.duration(ste));
        sink.signal(CandidateSignal.active(CandidateType.MEMORY_RAPID_RISE, s.resource, Severity.CRITICAL, now,
            onsetTs, now, summary, evidence, onsetTs));
      }
    } else if (s.rapidActive
        && (last < s.rapidBreakoutLevel || now - s.rapidLastHoldTs >= settings.rapidClearAfter().toMillis())) {
      s.rapidActive = false;
      sink.signal(CandidateSignal.cleared(CandidateType.MEMORY_RAPID_RISE, s.resource, now));
    }
  }

  /** The highest level of the closed windows of the rapid history that ended before the rapid window. */
  private double normalLevel(MemorySeries s, long now) {
    SampleRing w = s.windowMax;
    long until = now - rapidWindowMs - windowMs;
    long since = now - settings.rapidHistory().toMillis();
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < w.size; i++) {
      int k = w.slot(i);
      if (w.ts[k] >= since && w.ts[k] <= until) {
        max = Math.max(max, w.used[k]);
      }
    }
    // no closed window old enough: the history is unknown, so no breakout can be told
    return max == Double.NEGATIVE_INFINITY ? Double.POSITIVE_INFINITY : max;
  }
}

package dev.foreshock.detect.memory;

import java.util.Arrays;

/**
 * The trend math of the memory detectors, free of Kafka types so that it can be unit-tested and
 * benchmarked on its own: least squares with its coefficient of determination, the Theil–Sen
 * robust slope, a hinge (flat-then-rising) change point, and the projection to a limit.
 *
 * <p>Every function works on a slice {@code [from, to)} of caller-owned arrays and allocates
 * nothing but the optional scratch buffer; callers pass the small bounded rings of bucket
 * aggregates (tens of points), never the whole history.
 */
public final class TrendMath {

  private TrendMath() {}

  /** A straight line {@code y = intercept + slope * x} and how well it fits ({@code r2} in [0, 1]). */
  public record Fit(double slope, double intercept, double r2, int n) {

    public double at(double x) {
      return intercept + slope * x;
    }
  }

  /** Ordinary least squares over {@code x[from..to)}, {@code y[from..to)}; fewer than two points give a flat fit. */
  public static Fit ols(double[] x, double[] y, int from, int to) {
    int n = to - from;
    if (n < 2) {
      return new Fit(0, n == 1 ? y[from] : 0, 0, n);
    }
    double mx = 0;
    double my = 0;
    for (int i = from; i < to; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double sxx = 0;
    double sxy = 0;
    double syy = 0;
    for (int i = from; i < to; i++) {
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
    }
    if (sxx == 0) {
      return new Fit(0, my, 0, n);
    }
    double slope = sxy / sxx;
    double r2 = syy == 0 ? 0 : Math.min(1, (sxy * sxy) / (sxx * syy));
    return new Fit(slope, my - slope * mx, r2, n);
  }

  /** The coefficient of determination of a given line over the slice (may be negative for a bad line). */
  public static double r2Of(double[] x, double[] y, int from, int to, double slope, double intercept) {
    int n = to - from;
    if (n < 2) {
      return 0;
    }
    double my = 0;
    for (int i = from; i < to; i++) {
      my += y[i];
    }
    my /= n;
    double ssRes = 0;
    double ssTot = 0;
    for (int i = from; i < to; i++) {
      double r = y[i] - (intercept + slope * x[i]);
      double d = y[i] - my;
      ssRes += r * r;
      ssTot += d * d;
    }
    return ssTot == 0 ? 0 : 1 - ssRes / ssTot;
  }

  /**
   * The Theil–Sen slope: the median of the slopes of all pairs of points with distinct x. Robust to
   * up to ~29% outliers. O(n²) time for n points, so only for small bounded rings.
   *
   * @param scratch a buffer of at least n(n-1)/2 doubles, or null to allocate one
   */
  public static double theilSenSlope(double[] x, double[] y, int from, int to, double[] scratch) {
    int n = to - from;
    if (n < 2) {
      return 0;
    }
    int pairs = n * (n - 1) / 2;
    double[] s = scratch != null && scratch.length >= pairs ? scratch : new double[pairs];
    int k = 0;
    for (int i = from; i < to; i++) {
      for (int j = i + 1; j < to; j++) {
        double dx = x[j] - x[i];
        if (dx != 0) {
          s[k++] = (y[j] - y[i]) / dx;
        }
      }
    }
    return k == 0 ? 0 : median(s, k);
  }

  /** The intercept that goes with a robust slope: the median of {@code y - slope * x}. */
  public static double medianIntercept(double[] x, double[] y, int from, int to, double slope, double[] scratch) {
    int n = to - from;
    if (n == 0) {
      return 0;
    }
    double[] s = scratch != null && scratch.length >= n ? scratch : new double[n];
    for (int i = from; i < to; i++) {
      s[i - from] = y[i] - slope * x[i];
    }
    return median(s, n);
  }

  /**
   * Where a series that was flat began to rise: the index {@code k} in {@code [from, lastCandidate]}
   * that best fits the continuous hinge {@code y = a + b * max(0, x - x[k])} by least squares.
   * Returns {@code from} when the series rises throughout (the growth began at or before the first
   * point). O(n) per candidate, O(n²) in all.
   */
  public static int hingeChangePoint(double[] x, double[] y, int from, int to, int lastCandidate) {
    int best = from;
    double bestSse = Double.POSITIVE_INFINITY;
    int n = to - from;
    if (n < 3) {
      return from;
    }
    int last = Math.min(lastCandidate, to - 2);
    double[] ab = new double[2];
    for (int k = from; k <= last; k++) {
      double tau = x[k];
      if (!hingeFit(x, y, from, to, tau, ab)) {
        continue;
      }
      double sse = 0;
      for (int i = from; i < to; i++) {
        double r = y[i] - ab[0] - ab[1] * Math.max(0, x[i] - tau);
        sse += r * r;
      }
      if (bestSse == Double.POSITIVE_INFINITY || sse < bestSse - 1e-9 * Math.abs(bestSse)) {
        bestSse = sse;
        best = k;
      }
    }
    return best;
  }

  /**
   * The least-squares hinge {@code y = a + b * max(0, x - knot)} over the slice: returns {@code {a, b}}
   * in {@code out} (a flat line at the mean when the hinge has no spread).
   *
   * @return false when the hinge has no spread (the flat line)
   */
  public static boolean hingeFit(double[] x, double[] y, int from, int to, double knot, double[] out) {
    int n = to - from;
    double sh = 0;
    double shh = 0;
    double sy = 0;
    double shy = 0;
    for (int i = from; i < to; i++) {
      double h = Math.max(0, x[i] - knot);
      sh += h;
      shh += h * h;
      sy += y[i];
      shy += h * y[i];
    }
    double det = n * shh - sh * sh;
    if (n == 0 || det <= 0) {
      out[0] = n == 0 ? 0 : sy / n;
      out[1] = 0;
      return false;
    }
    out[1] = (n * shy - sh * sy) / det;
    out[0] = (sy - out[1] * sh) / n;
    return true;
  }

  /**
   * Removes a periodic (e.g. daily) component from {@code y[0..n)}: alternately fits a hinge
   * (flat, then a straight line from the best knot up to {@code lastCandidate}, so that the trend
   * may begin anywhere) to the de-seasonalised series and takes, for every phase, the median of
   * the residuals of the raw series from that hinge, centred to a zero mean over the phases.
   * {@code phase[i]} in {@code [0, periods)} is point i's phase (for daily 2 h buckets: the
   * hour-of-day slot). A daily rhythm, a weekday load shape, or a leak that grows only with the
   * daytime traffic is thereby separated from the net growth across days. Writes the
   * de-seasonalised series to {@code z} and the profile to {@code season}; O(iterations × n²).
   *
   * @param scratch a buffer of at least n doubles
   */
  public static void deseasonalise(double[] x, double[] y, int n, int[] phase, int periods, int lastCandidate,
      int iterations, double[] season, double[] z, double[] scratch) {
    Arrays.fill(season, 0, periods, 0);
    double[] ab = new double[2];
    for (int it = 0; it < iterations; it++) {
      for (int i = 0; i < n; i++) {
        z[i] = y[i] - season[phase[i]];
      }
      int k = hingeChangePoint(x, z, 0, n, lastCandidate);
      hingeFit(x, z, 0, n, x[k], ab);
      double sum = 0;
      int filled = 0;
      for (int p = 0; p < periods; p++) {
        int m = 0;
        for (int i = 0; i < n; i++) {
          if (phase[i] == p) {
            scratch[m++] = y[i] - ab[0] - ab[1] * Math.max(0, x[i] - x[k]);
          }
        }
        season[p] = m == 0 ? Double.NaN : median(scratch, m);
        if (m > 0) {
          sum += season[p];
          filled++;
        }
      }
      double mean = filled == 0 ? 0 : sum / filled;
      for (int p = 0; p < periods; p++) {
        season[p] = Double.isNaN(season[p]) ? 0 : season[p] - mean;
      }
    }
    for (int i = 0; i < n; i++) {
      z[i] = y[i] - season[phase[i]];
    }
  }

  /**
   * How periodic {@code y[0..n)} is with period {@code lag} points: the autocorrelation at that lag
   * of its first differences (differencing removes a trend, and leaves of a step one spike, which
   * correlates with nothing). Near 1 for a daily rhythm sampled in daily-phase buckets, near 0 for
   * noise, a sawtooth averaged out by the buckets, or a step; 0 when fewer than {@code lag + 3}
   * points. O(n), no allocation.
   */
  public static double periodicity(double[] y, int n, int lag) {
    if (lag < 1 || n < lag + 3) {
      return 0;
    }
    double mean = (y[n - 1] - y[0]) / (n - 1);
    double den = 0;
    for (int i = 1; i < n; i++) {
      double d = y[i] - y[i - 1] - mean;
      den += d * d;
    }
    if (den == 0) {
      return 0;
    }
    double num = 0;
    for (int i = lag + 1; i < n; i++) {
      num += (y[i] - y[i - 1] - mean) * (y[i - lag] - y[i - lag - 1] - mean);
    }
    return num / den;
  }

  /** The sum of squared residuals of a line over the slice. */
  public static double sse(double[] x, double[] y, int from, int to, double slope, double intercept) {
    double sse = 0;
    for (int i = from; i < to; i++) {
      double r = y[i] - (intercept + slope * x[i]);
      sse += r * r;
    }
    return sse;
  }

  /**
   * The sum of squared residuals of the best step: two flat levels split at the best point (each
   * side at least one point). A series that a step fits better than a line jumped once rather than
   * grew. O(n) with running sums; infinity for fewer than two points.
   */
  public static double bestStepSse(double[] y, int from, int to) {
    int n = to - from;
    if (n < 2) {
      return Double.POSITIVE_INFINITY;
    }
    // sums of the values less the first: the sums of squares of raw byte counts (level^2 n) would
    // swallow a small noise's squares
    double shift = y[from];
    double total = 0;
    double totalSq = 0;
    for (int i = from; i < to; i++) {
      double v = y[i] - shift;
      total += v;
      totalSq += v * v;
    }
    double best = Double.POSITIVE_INFINITY;
    double left = 0;
    double leftSq = 0;
    for (int m = 1; m < n; m++) {
      double v = y[from + m - 1] - shift;
      left += v;
      leftSq += v * v;
      double right = total - left;
      double rightSq = totalSq - leftSq;
      double sse = (leftSq - left * left / m) + (rightSq - right * right / (n - m));
      best = Math.min(best, sse);
    }
    return Math.max(0, best);
  }

  /**
   * Seconds until {@code level} reaches {@code limit} at {@code slopePerSecond}: 0 when already at or
   * above the limit, infinity when not rising.
   */
  public static double secondsToExhaustion(double level, double limit, double slopePerSecond) {
    if (level >= limit) {
      return 0;
    }
    if (!(slopePerSecond > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    return (limit - level) / slopePerSecond;
  }

  /**
   * The {@code q}-quantile (0 &le; q &le; 1, the nearest rank below) of {@code values[0..n)},
   * reordering them (quickselect, expected O(n)).
   */
  public static double quantile(double[] values, int n, double q) {
    if (n <= 0) {
      throw new IllegalArgumentException("quantile of no values");
    }
    int k = (int) Math.floor(Math.max(0, Math.min(1, q)) * (n - 1));
    return select(values, 0, n - 1, k);
  }

  /** The median of {@code values[0..n)}, reordering them (quickselect, expected O(n)). */
  public static double median(double[] values, int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("median of no values");
    }
    if (n <= 16) {
      Arrays.sort(values, 0, n);
      return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
    double hi = select(values, 0, n - 1, n / 2);
    if (n % 2 == 1) {
      return hi;
    }
    double lo = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n / 2; i++) {
      lo = Math.max(lo, values[i]);
    }
    return (lo + hi) / 2;
  }

  private static double select(double[] a, int left, int right, int k) {
    while (left < right) {
      double pivot = medianOf3(a[left], a[(left + right) >>> 1], a[right]);
      int i = left;
      int j = right;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        right = j;
      } else if (k >= i) {
        left = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static double medianOf3(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}

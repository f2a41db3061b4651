package dev.foreshock.detect.connections;

import java.util.Arrays;

/**
 * A robust baseline of a count per span: median and median absolute deviation of the last
 * {@code capacity} samples. The caller leaves out the spans it judged abnormal (bursts, failure
 * episodes), so that a burst never raises the baseline it is judged against; and since a median
 * ignores up to half of its samples, a few outliers that slip in do not move it either.
 *
 * <p>Adding is O(1); the statistics are computed (O(n log n)) only when asked for, and then
 * reused until {@code refreshEvery} more samples have come in, so that a baseline asked once per
 * window costs O(n log n / refreshEvery) per window.
 */
final class RobustBaseline {

  /** Scales a MAD to a standard deviation for normally distributed samples. */
  static final double MAD_TO_SIGMA = 1.4826;

  private final long[] ring;
  private final int refreshEvery;
  private int sinceComputed;
  private int next;
  private int size;
  private double median = Double.NaN;
  private double mad = Double.NaN;

  /** A baseline whose statistics always reflect every sample. */
  RobustBaseline(int capacity) {
    this(capacity, 1);
  }

  /** A baseline whose statistics are recomputed after every {@code refreshEvery} samples. */
  RobustBaseline(int capacity, int refreshEvery) {
    if (capacity < 1 || refreshEvery < 1) {
      throw new IllegalArgumentException("baseline capacity and refresh must be at least 1, were " + capacity
          + ", " + refreshEvery);
    }
    this.ring = new long[capacity];
    this.refreshEvery = refreshEvery;
  }

  /** A baseline holding {@code samples} (oldest first; only the last {@code capacity} are kept). */
  static RobustBaseline of(int capacity, int refreshEvery, long[] samples) {
    RobustBaseline b = new RobustBaseline(capacity, refreshEvery);
    if (samples != null) {
      for (int i = Math.max(0, samples.length - capacity); i < samples.length; i++) {
        b.add(samples[i]);
      }
    }
    return b;
  }

  void add(long sample) {
    ring[next] = sample;
    next = (next + 1) % ring.length;
    if (size < ring.length) {
      size++;
    }
    if (++sinceComputed >= refreshEvery) {
      median = Double.NaN;
    }
  }

  /** Adds {@code times} copies of {@code sample} (a stretch of identical spans, e.g. empty ones). */
  void addRepeated(long sample, long times) {
    long n = Math.min(times, ring.length);
    for (long i = 0; i < n; i++) {
      add(sample);
    }
  }

  int size() {
    return size;
  }

  int capacity() {
    return ring.length;
  }

  /** The median of the samples (0 when there are none). */
  double median() {
    compute();
    return median;
  }

  /** The median absolute deviation from the median (0 when there are none). */
  double mad() {
    compute();
    return mad;
  }

  /**
   * A spread that is never zero: the MAD scaled to a standard deviation, but at least the Poisson
   * spread {@code sqrt(median)} and at least 1, so that a baseline of identical samples does not
   * turn every small rise into an outlier.
   */
  double scale() {
    return Math.max(1.0, Math.max(MAD_TO_SIGMA * mad(), Math.sqrt(median())));
  }

  /**
   * The least value that counts as far above this baseline: at least {@code minimum}, at least
   * {@code ratio} × median and at least median + {@code scales} × {@link #scale()}.
   */
  double threshold(double scales, double ratio, double minimum) {
    double m = median();
    return Math.max(minimum, Math.max(ratio * m, m + scales * scale()));
  }

  /** The samples, oldest first. */
  long[] samples() {
    long[] out = new long[size];
    int start = size < ring.length ? 0 : next;
    for (int i = 0; i < size; i++) {
      out[i] = ring[(start + i) % ring.length];
    }
    return out;
  }

  private void compute() {
    if (!Double.isNaN(median)) {
      return;
    }
    sinceComputed = 0;
    if (size == 0) {
      median = 0;
      mad = 0;
      return;
    }
    long[] sorted = Arrays.copyOf(ring, size);
    Arrays.sort(sorted);
    median = medianOfSorted(sorted);
    double[] dev = new double[size];
    for (int i = 0; i < size; i++) {
      dev[i] = Math.abs(sorted[i] - median);
    }
    Arrays.sort(dev);
    mad = size % 2 == 1 ? dev[size / 2] : (dev[size / 2 - 1] + dev[size / 2]) / 2.0;
  }

  private static double medianOfSorted(long[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}

package dev.foreshock.simulate;

import java.util.Arrays;
import java.util.Random;

/**
 * A sawtooth over [from, to): within each cycle the value climbs linearly from 0 to 1 over the
 * rising part, then falls back to 0 over the falling part (a cleaner run, a garbage collection).
 * Cycle lengths vary by {@code jitter} around {@code periodMs}.
 */
final class Sawtooth implements Curve {

  private final long[] starts;
  private final double fallShare;

  /**
   * @param fallShare the share of a cycle spent falling (small: a GC drop; larger: a slow cleanup)
   */
  Sawtooth(Random rnd, long from, long to, long periodMs, double jitter, double fallShare) {
    long[] s = new long[16];
    int n = 0;
    long t = from - (long) (rnd.nextDouble() * periodMs);
    while (t < to + periodMs) {
      if (n == s.length) {
        s = Arrays.copyOf(s, n * 2);
      }
      s[n++] = t;
      t += Math.max(1_000, (long) (periodMs * (1 + jitter * (2 * rnd.nextDouble() - 1))));
    }
    this.starts = Arrays.copyOf(s, n);
    this.fallShare = fallShare;
  }

  @Override
  public double at(long t) {
    int i = Arrays.binarySearch(starts, t);
    if (i < 0) {
      i = -i - 2;
    }
    if (i < 0 || i >= starts.length - 1) {
      return 0;
    }
    double x = (t - starts[i]) / (double) (starts[i + 1] - starts[i]);
    double rise = 1 - fallShare;
    return x < rise ? x / rise : (1 - x) / fallShare;
  }
}

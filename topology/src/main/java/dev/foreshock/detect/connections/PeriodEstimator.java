package dev.foreshock.detect.connections;

import java.util.Arrays;
import java.util.Optional;

/**
 * Finds the period of recurring bursts from their times. Every interval between two recent bursts
 * (and half of each interval between neighbours, in case one burst was missed) is a candidate
 * period; each candidate is checked by walking back from one of the latest bursts to the burst one
 * period earlier (within the tolerance), allowing one missing burst at a time (an interval of
 * about two periods). Bursts off the grid (a deploy, a one-off restart, a second series with
 * another period) are skipped, not fatal. The candidate whose chain holds the most bursts, less
 * one for every missing one, wins (on a tie, the one whose bursts sit closest to their grid), if
 * that score reaches {@code minBursts}; its period is then refined by a least-squares fit of burst
 * time against slot number, which averages out clock jitter and the window alignment.
 *
 * <p>Pure; O(c × n) for c candidates and n bursts, run once per burst.
 */
final class PeriodEstimator {

  /** The latest bursts that may anchor a chain. */
  private static final int ANCHORS = 3;

  private final int minBursts;
  private final double tolerance;
  private final long minToleranceMs;
  private final long minPeriodMs;
  private final long maxPeriodMs;

  /**
   * @param minBursts least bursts on the chain (at least 3)
   * @param tolerance allowed deviation of each interval, relative to the period
   * @param minToleranceMs allowed deviation at least (the time resolution of burst times)
   */
  PeriodEstimator(int minBursts, double tolerance, long minToleranceMs, long minPeriodMs, long maxPeriodMs) {
    if (minBursts < 3) {
      throw new IllegalArgumentException("a period needs at least 3 bursts, was " + minBursts);
    }
    this.minBursts = minBursts;
    this.tolerance = tolerance;
    this.minToleranceMs = minToleranceMs;
    this.minPeriodMs = minPeriodMs;
    this.maxPeriodMs = maxPeriodMs;
  }

  /**
   * The period of the burst times {@code times} (ascending), or empty when no chain of at least
   * {@code minBursts} bursts recurs with a stable period.
   */
  Optional<PeriodEstimate> estimate(long[] times) {
    int n = times.length;
    if (n < minBursts) {
      return Optional.empty();
    }
    Chain best = null;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        long d = times[j] - times[i];
        best = better(best, bestChain(times, d));
        if (j == i + 1) {
          best = better(best, bestChain(times, d / 2.0));
        }
      }
    }
    if (best == null || best.score() < minBursts) {
      return Optional.empty();
    }
    // Refine twice: the fitted period may bring in a burst the rough candidate just missed.
    for (int round = 0; round < 2; round++) {
      double fitted = fit(times, best);
      Chain refined = walk(times, best.anchor, fitted);
      if (refined == null || refined.score() < best.score()) {
        break;
      }
      best = refined;
    }
    double period = fit(times, best);
    if (period < minPeriodMs || period > maxPeriodMs || best.score() < minBursts) {
      return Optional.empty();
    }
    return Optional.of(new PeriodEstimate(Math.round(period), best.indices(), best.missed, best.rmsMs()));
  }

  private Chain bestChain(long[] times, double period) {
    if (period < minPeriodMs || period > maxPeriodMs) {
      return null;
    }
    Chain best = null;
    for (int a = times.length - 1; a >= Math.max(0, times.length - ANCHORS); a--) {
      best = better(best, walk(times, a, period));
    }
    return best;
  }

  /** The chain of bursts one period apart that ends at burst {@code anchor}, walking back. */
  private Chain walk(long[] times, int anchor, double period) {
    double tol = Math.max(tolerance * period, minToleranceMs);
    int[] idx = new int[times.length];
    int[] slots = new int[times.length];
    int count = 0;
    idx[count] = anchor;
    slots[count++] = 0;
    int missed = 0;
    int slot = 0;
    long last = times[anchor];
    int cursor = anchor - 1;
    while (cursor >= 0) {
      int k = nearest(times, cursor, last - period, tol);
      int step = 1;
      if (k < 0) {
        k = nearest(times, cursor, last - 2 * period, tol);
        step = 2;
      }
      if (k < 0) {
        break;
      }
      slot -= step;
      missed += step - 1;
      idx[count] = k;
      slots[count++] = slot;
      last = times[k];
      cursor = k - 1;
    }
    Chain c = new Chain(anchor, Arrays.copyOf(idx, count), Arrays.copyOf(slots, count), missed, 0);
    return new Chain(anchor, c.idx, c.slots, missed, count < 2 ? Double.MAX_VALUE : rms(times, c, fit(times, c)));
  }

  /** The index at or below {@code from} whose time is nearest {@code expected}, within {@code tol}; else -1. */
  private static int nearest(long[] times, int from, double expected, double tol) {
    int found = -1;
    double bestDist = Double.MAX_VALUE;
    for (int k = from; k >= 0 && times[k] >= expected - tol; k--) {
      double dist = Math.abs(times[k] - expected);
      if (dist <= tol && dist < bestDist) {
        bestDist = dist;
        found = k;
      }
    }
    return found;
  }

  /** The chain with the higher score; on a tie, the one that fits its grid more tightly. */
  private static Chain better(Chain a, Chain b) {
    if (b == null) {
      return a;
    }
    if (a == null || b.score() > a.score()) {
      return b;
    }
    if (b.score() == a.score() && b.rmsMs() < a.rmsMs()) {
      return b;
    }
    return a;
  }

  /** Least-squares slope of burst time against slot: the period. */
  private static double fit(long[] times, Chain c) {
    int n = c.idx.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += c.slots[i];
      my += times[c.idx[i]] - (double) times[c.anchor];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      double dx = c.slots[i] - mx;
      sxy += dx * (times[c.idx[i]] - (double) times[c.anchor] - my);
      sxx += dx * dx;
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }

  private static double rms(long[] times, Chain c, double period) {
    int n = c.idx.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += c.slots[i];
      my += times[c.idx[i]] - (double) times[c.anchor];
    }
    mx /= n;
    my /= n;
    double ss = 0;
    for (int i = 0; i < n; i++) {
      double r = times[c.idx[i]] - (double) times[c.anchor] - (my + period * (c.slots[i] - mx));
      ss += r * r;
    }
    return Math.sqrt(ss / n);
  }

  private record Chain(int anchor, int[] idx, int[] slots, int missed, double rmsMs) {

    int matched() {
      return idx.length;
    }

    int score() {
      return idx.length - missed;
    }

    /** The matched burst indices, ascending. */
    int[] indices() {
      int[] out = new int[idx.length];
      for (int i = 0; i < idx.length; i++) {
        out[i] = idx[idx.length - 1 - i];
      }
      return out;
    }
  }

  /**
   * A period found in a series of bursts.
   *
   * @param periodMs the fitted period
   * @param burstIndices indices (ascending) of the bursts on the period's grid
   * @param missed slots on the grid where no burst was seen
   * @param jitterMs root-mean-square deviation of the bursts from the fitted grid
   */
  record PeriodEstimate(long periodMs, int[] burstIndices, int missed, double jitterMs) {

    int bursts() {
      return burstIndices.length;
    }
  }
}

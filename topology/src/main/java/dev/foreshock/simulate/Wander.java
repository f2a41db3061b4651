package dev.foreshock.simulate;

import java.util.Random;

/**
 * A slow, mean-reverting random wander around zero on a grid of {@code stepMs}, linearly
 * interpolated: level changes that come and go, with no trend.
 */
final class Wander implements Curve {

  private final long from;
  private final long stepMs;
  private final double[] values;

  /**
   * @param sd the standard deviation of each step
   * @param reversion the share of the distance to zero taken back each step (0..1)
   */
  Wander(Random rnd, long from, long to, long stepMs, double sd, double reversion) {
    this.from = from;
    this.stepMs = stepMs;
    this.values = new double[(int) ((to - from) / stepMs) + 2];
    for (int i = 1; i < values.length; i++) {
      values[i] = values[i - 1] * (1 - reversion) + sd * Noise.gaussian(rnd);
    }
  }

  @Override
  public double at(long t) {
    double x = Math.max(0, (t - from) / (double) stepMs);
    int i = Math.min(values.length - 2, (int) x);
    double f = Math.min(1, x - i);
    return values[i] + f * (values[i + 1] - values[i]);
  }
}

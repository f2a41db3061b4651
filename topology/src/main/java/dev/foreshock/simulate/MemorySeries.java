package dev.foreshock.simulate;

import java.util.Random;

/**
 * Memory samples of one resource every {@code intervalMs}: the used fraction of {@code maxBytes}
 * follows a noiseless curve plus Gaussian noise and rare outliers, kept within [0, cap].
 */
final class MemorySeries {

  private final String resource;
  private final String host;
  private final long maxBytes;
  private final long intervalMs;
  private Curve usedFraction = Curve.constant(0.4);
  private double noise = 0.005;
  private double outlierShare = 0.002;
  private double cap = 0.998;

  MemorySeries(String resource, String host, long maxBytes, long intervalMs) {
    this.resource = resource;
    this.host = host;
    this.maxBytes = maxBytes;
    this.intervalMs = intervalMs;
  }

  MemorySeries used(Curve fraction) {
    this.usedFraction = fraction;
    return this;
  }

  /** Standard deviation of the noise, as a fraction of the limit. */
  MemorySeries noise(double sd) {
    this.noise = sd;
    return this;
  }

  MemorySeries outliers(double share) {
    this.outlierShare = share;
    return this;
  }

  /** The highest fraction a sample may show (just under 1 for a store that refuses writes at its limit). */
  MemorySeries cap(double cap) {
    this.cap = cap;
    return this;
  }

  long intervalMs() {
    return intervalMs;
  }

  void emit(Timeline out, Random rnd, long from, long to) {
    for (long t = from + (long) (rnd.nextDouble() * intervalMs); t < to; t += intervalMs) {
      double f = usedFraction.at(t) + noise * Noise.gaussian(rnd);
      if (rnd.nextDouble() < outlierShare) {
        f += noise * Noise.between(rnd, 3.0, 6.0) * (rnd.nextBoolean() ? 1 : -1);
      }
      f = Noise.clamp(f, 0.001, cap);
      long ts = Math.max(from, t + (long) (Noise.gaussian(rnd) * 100));
      out.memory(ts, resource, host, (long) (f * maxBytes), maxBytes);
    }
  }
}

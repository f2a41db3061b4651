package dev.foreshock.simulate;

import java.util.Random;

/** Seeded draws for the generator. Uses {@link StrictMath} so that output is identical on every JVM. */
final class Noise {

  private Noise() {
  }

  static double between(Random rnd, double lo, double hi) {
    return lo + (hi - lo) * rnd.nextDouble();
  }

  static int between(Random rnd, int lo, int hiInclusive) {
    return lo + rnd.nextInt(hiInclusive - lo + 1);
  }

  static long betweenMs(Random rnd, long lo, long hiInclusive) {
    return lo + (long) ((hiInclusive - lo + 1) * rnd.nextDouble());
  }

  /** A standard normal draw (Box-Muller with StrictMath, unlike {@link Random#nextGaussian}). */
  static double gaussian(Random rnd) {
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    if (u1 < 1e-300) {
      u1 = 1e-300;
    }
    return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
  }

  /** A Poisson-distributed count with the given mean (normal approximation for large means). */
  static long poisson(Random rnd, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 40) {
      return Math.max(0, Math.round(mean + StrictMath.sqrt(mean) * gaussian(rnd)));
    }
    double limit = StrictMath.exp(-mean);
    double p = 1;
    long k = 0;
    do {
      k++;
      p *= rnd.nextDouble();
    } while (p > limit);
    return k - 1;
  }

  /** A binomially distributed count of successes in {@code n} trials of probability {@code p}. */
  static long binomial(Random rnd, long n, double p) {
    if (n <= 0 || p <= 0) {
      return 0;
    }
    if (p >= 1) {
      return n;
    }
    double mean = n * p;
    if (n > 50 && mean > 20 && n * (1 - p) > 20) {
      return clamp(Math.round(mean + StrictMath.sqrt(mean * (1 - p)) * gaussian(rnd)), 0, n);
    }
    if (mean < 20) {
      return clamp(poisson(rnd, mean), 0, n);
    }
    return n - clamp(poisson(rnd, n * (1 - p)), 0, n);
  }

  static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** Picks one of the values. */
  @SafeVarargs
  static <T> T oneOf(Random rnd, T... values) {
    return values[rnd.nextInt(values.length)];
  }
}

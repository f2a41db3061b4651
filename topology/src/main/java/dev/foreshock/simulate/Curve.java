package dev.foreshock.simulate;

/** A value over event time (a rate, a ratio, a fraction of a limit); noiseless, noise is added by the emitters. */
@FunctionalInterface
interface Curve {

  double at(long t);

  static Curve constant(double v) {
    return t -> v;
  }

  default Curve times(Curve other) {
    return t -> at(t) * other.at(t);
  }

  default Curve plus(Curve other) {
    return t -> at(t) + other.at(t);
  }

  /** This curve in [from, to), {@code other} elsewhere. */
  default Curve during(long from, long to, Curve other) {
    return t -> t >= from && t < to ? other.at(t) : at(t);
  }

  /**
   * A daily rhythm between {@code low} (at night) and 1 (at {@code peakHourUtc}), smooth, with
   * weekends scaled by {@code weekend}.
   */
  static Curve daily(double peakHourUtc, double low, double weekend) {
    return t -> {
      double hour = (t % ScenarioBuilder.DAY) / (double) ScenarioBuilder.HOUR;
      double phase = 2 * StrictMath.PI * (hour - peakHourUtc) / 24.0;
      double v = low + (1 - low) * (0.5 + 0.5 * StrictMath.cos(phase));
      long weekday = Math.floorMod(t / ScenarioBuilder.DAY + 4, 7); // 1970-01-01 was a Thursday; 0 = Sunday
      return weekday == 0 || weekday == 6 ? v * weekend : v;
    };
  }
}

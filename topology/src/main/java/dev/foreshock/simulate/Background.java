package dev.foreshock.simulate;

import java.time.Duration;
import java.util.List;

/**
 * Healthy, unrelated services that run alongside every scenario: {@code billing-api} with its
 * database pool on {@code postgres-billing} and its {@code billing-cache}. Nothing here may alarm.
 */
final class Background {

  static final String SERVICE = "billing-api";
  static final String DATABASE = "postgres-billing";
  static final String CACHE = "billing-cache";

  private Background() {
  }

  /**
   * @param instancesMax the most billing-api instances (long scenarios keep this small)
   * @param requests whether billing-api reports request stats
   * @param connections whether its pool reports connection events
   */
  static void add(ScenarioBuilder b, long from, long to, int instancesMax, long requestIntervalMs,
      long memoryIntervalMs, boolean requests, boolean connections) {
    int n = b.between(1, instancesMax);
    List<Instance> fleet = Instance.fleet(SERVICE, "billing", n, from, to);
    b.timeline.dependencies(from, SERVICE, List.of(DATABASE, CACHE));
    if (requests) {
      double rate = b.between(20.0, 60.0) * n;
      double errors = b.between(0.0005, 0.004);
      new RequestSeries(SERVICE, fleet, requestIntervalMs)
          .rate(Curve.constant(rate).times(Curve.daily(b.between(12.0, 16.0), b.between(0.3, 0.5), 0.7)))
          .errors(Curve.constant(errors))
          .emit(b.timeline, b.rnd, from, to);
    }
    if (connections) {
      new ConnectionPool(DATABASE, b.between(3, 8), b.betweenMs(Duration.ofMinutes(20),
          Duration.ofMinutes(40)), b.between(0.1, 0.25))
          .emit(b.timeline, b.rnd, fleet, from, to);
    }
    long max = b.between(1024, 4096) * 1024L * 1024L;
    double level = b.between(0.3, 0.5);
    Curve used = Curve.constant(level)
        .plus(Curve.daily(b.between(12.0, 16.0), 0, 1).times(Curve.constant(b.between(0.01, 0.03))));
    new MemorySeries(CACHE, "billing-cache-1", max, memoryIntervalMs).used(used).noise(b.between(0.002, 0.005))
        .emit(b.timeline, b.rnd, from, to);
  }
}

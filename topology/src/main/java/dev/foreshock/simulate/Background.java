package dev.foreshock.simulate;

import java.time.Duration;
import java.util.List;

/**
 * A healthy, unrelated neighbour that runs alongside a scenario: a service ({@code NAME-api}) with
 * its database pool ({@code postgres-NAME}) and its cache ({@code NAME-cache}). Nothing here may
 * alarm. Each seed incident has its own neighbour, so that their subjects never overlap and a demo
 * can replay them side by side.
 */
final class Background {

  private Background() {
  }

  /**
   * @param instancesMax the most billing-api instances (long scenarios keep this small)
   * @param requests whether billing-api reports request stats
   * @param connections whether its pool reports connection events
   */
  static void add(ScenarioBuilder b, String name, long from, long to, int instancesMax, long requestIntervalMs,
      long memoryIntervalMs, boolean requests, boolean connections) {
    String service = name + "-api";
    String database = "postgres-" + name;
    String cache = name + "-cache";
    int n = b.between(1, instancesMax);
    List<Instance> fleet = Instance.fleet(service, name, n, from, to);
    b.timeline.dependencies(from, service, List.of(database, cache));
    if (requests) {
      double rate = b.between(20.0, 60.0) * n;
      double errors = b.between(0.0005, 0.004);
      new RequestSeries(service, fleet, requestIntervalMs)
          .rate(Curve.constant(rate).times(Curve.daily(b.between(12.0, 16.0), b.between(0.3, 0.5), 0.7)))
          .errors(Curve.constant(errors))
          .emit(b.timeline, b.rnd, from, to);
    }
    if (connections) {
      new ConnectionPool(database, b.between(3, 8), b.betweenMs(Duration.ofMinutes(20),
          Duration.ofMinutes(40)), b.between(0.1, 0.25))
          .emit(b.timeline, b.rnd, fleet, from, to);
    }
    long max = b.between(1024, 4096) * 1024L * 1024L;
    double level = b.between(0.3, 0.5);
    Curve used = Curve.constant(level)
        .plus(Curve.daily(b.between(12.0, 16.0), 0, 1).times(Curve.constant(b.between(0.01, 0.03))));
    new MemorySeries(cache, cache + "-1", max, memoryIntervalMs).used(used).noise(b.between(0.002, 0.005))
        .emit(b.timeline, b.rnd, from, to);
  }
}

package dev.foreshock.simulate;

import static dev.foreshock.simulate.ScenarioBuilder.SECOND;

import java.time.Duration;
import java.util.List;

/**
 * Must not fire: request surges of 3-4x every ~10 minutes on {@code frontend-api} (an attack
 * answered with 4xx, which are not errors) and a batch job doubling {@code export-api}'s traffic
 * every 30 minutes, both with an unchanged 5xx ratio and without connection churn.
 */
final class RequestSurgeScenario implements Scenario {

  static final String NAME = "request-surge";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "must not fire: 3-4x request surges every ~10 min answered with 4xx, a 30-min batch job; "
        + "5xx ratio unchanged, no connection churn";
  }

  @Override
  public SimulatedScenario generate(long seed) {
    ScenarioBuilder b = new ScenarioBuilder(NAME, seed, 1);
    long start = b.start;
    long end = start + b.betweenMs(Duration.ofMinutes(100), Duration.ofMinutes(150));
    long requestInterval = b.param("requestIntervalSeconds", b.between(10, 20)) * SECOND;

    List<Instance> frontend = Instance.fleet("frontend-api", "fapi", b.param("fleetSize", b.between(6, 20)), start,
        end);
    long period = b.param("surgePeriodSeconds", b.between(540, 660)) * SECOND;
    long length = b.param("surgeSeconds", b.between(60, 180)) * SECOND;
    double factor = b.param("surgeFactor", ScenarioBuilder.round(b.between(3.0, 4.0)));
    long phase = (long) (b.rnd.nextDouble() * period);
    Curve surge = t -> {
      long x = Math.floorMod(t - start - phase, period);
      if (x >= length) {
        return 1.0;
      }
      double ramp = Math.min(1.0, Math.min(x, length - x) / 15_000.0); // 15 s ramps at both ends
      return 1.0 + (factor - 1.0) * ramp;
    };
    new RequestSeries("frontend-api", frontend, requestInterval)
        .rate(Curve.constant(b.between(200.0, 1000.0)).times(surge))
        .errors(Curve.constant(b.param("errorRatio", ScenarioBuilder.round(b.between(0.002, 0.01)))))
        .emit(b.timeline, b.rnd, start, end);
    new ConnectionPool("postgres-main", b.between(4, 12), b.betweenMs(Duration.ofMinutes(10), Duration.ofMinutes(30)),
        b.between(0.1, 0.25)).emit(b.timeline, b.rnd, frontend, start, end);

    List<Instance> export = Instance.fleet("export-api", "export", b.between(2, 4), start, end);
    long batchPeriod = 30 * ScenarioBuilder.MINUTE;
    long batchLength = b.betweenMs(Duration.ofMinutes(3), Duration.ofMinutes(6));
    double batchFactor = b.between(2.0, 3.0);
    new RequestSeries("export-api", export, requestInterval)
        .rate(Curve.constant(b.between(20.0, 100.0))
            .times(t -> Math.floorMod(t, batchPeriod) < batchLength ? batchFactor : 1.0))
        .errors(Curve.constant(b.between(0.001, 0.005)))
        .emit(b.timeline, b.rnd, start, end);
    new MemorySeries("redis-sessions", "redis-s1", b.between(1024, 4096) * 1024L * 1024L, 30 * SECOND)
        .used(Curve.constant(b.between(0.3, 0.6))).noise(0.004).emit(b.timeline, b.rnd, start, end);

    b.timeline.dependencies(start, "frontend-api", List.of("postgres-main", "redis-sessions"));
    b.timeline.dependencies(start, "export-api", List.of("postgres-main"));
    Background.add(b, "billing", start, end, 3, requestInterval, 30 * SECOND, true, true);
    return b.build(end);
  }
}

package dev.foreshock.simulate;

import static dev.foreshock.simulate.ScenarioBuilder.SECOND;

import java.time.Duration;
import java.util.List;

/**
 * Must not fire: an ordinary hour or two of a healthy system (catalog, profile and cart APIs, their
 * Redis cache and database pools, a config change), the demo's backdrop. Its subjects differ from
 * the seed incidents', so that a demo can replay them side by side.
 */
final class QuietBaselineScenario implements Scenario {

  static final String NAME = "quiet-baseline";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "must not fire: 1-2 h of a healthy system: several services, pools, a Redis cache, a config change";
  }

  @Override
  public SimulatedScenario generate(long seed) {
    ScenarioBuilder b = new ScenarioBuilder(NAME, seed, 1);
    long start = b.start;
    long end = start + b.betweenMs(Duration.ofMinutes(60), Duration.ofMinutes(120));
    long requestInterval = b.param("requestIntervalSeconds", b.between(10, 20)) * SECOND;
    String[][] services = {{"catalog-api", "catalog"}, {"profile-api", "profile"}, {"cart-api", "cart"}};
    for (String[] s : services) {
      List<Instance> fleet = Instance.fleet(s[0], s[1], b.param(s[0] + "Instances", b.between(2, 8)), start, end);
      new RequestSeries(s[0], fleet, requestInterval)
          .rate(Curve.constant(b.between(100.0, 600.0)))
          .errors(Curve.constant(b.between(0.0005, 0.005)))
          .emit(b.timeline, b.rnd, start, end);
      String target = s[0].equals("cart-api") ? "postgres-catalog" : "redis-cache";
      new ConnectionPool(target, b.between(2, 10), b.betweenMs(Duration.ofMinutes(10), Duration.ofMinutes(30)),
          b.between(0.1, 0.25)).emit(b.timeline, b.rnd, fleet, start, end);
      b.timeline.dependencies(start, s[0], List.of(target));
    }
    Sawtooth consumers = new Sawtooth(b.rnd, start, end, b.betweenMs(Duration.ofMinutes(2), Duration.ofMinutes(6)),
        0.2, 0.1);
    double level = b.param("queueLevel", ScenarioBuilder.round(b.between(0.25, 0.5)));
    new MemorySeries("redis-cache", "redis-c1", b.between(2048, 8192) * 1024L * 1024L,
        b.between(5, 15) * SECOND).used(t -> level + 0.03 * consumers.at(t)).noise(b.between(0.002, 0.006))
        .emit(b.timeline, b.rnd, start, end);
    b.timeline.change(start + b.betweenMs(Duration.ofMinutes(15), Duration.ofMinutes(45)), "catalog-api", "CONFIG",
        "raised the catalog result cache TTL");
    Background.add(b, "accounts", start, end, 3, requestInterval, 30 * SECOND, true, true);
    return b.build(end);
  }
}

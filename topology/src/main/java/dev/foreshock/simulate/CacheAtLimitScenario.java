package dev.foreshock.simulate;

import static dev.foreshock.simulate.ScenarioBuilder.MINUTE;
import static dev.foreshock.simulate.ScenarioBuilder.SECOND;
import static dev.foreshock.simulate.ScenarioBuilder.round;

import java.time.Duration;
import java.util.List;

/**
 * Must not fire: an LRU cache held at its limit by eviction for a week or more, flat at ~95% with
 * noise and slow wander (a naive projection from the noise would call the limit minutes away).
 */
final class CacheAtLimitScenario implements Scenario {

  static final String NAME = "cache-at-limit";
  static final String CACHE = "session-cache";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "must not fire: an LRU cache held at ~95% of maxmemory by eviction, with noise, for 7-10 days";
  }

  @Override
  public SimulatedScenario generate(long seed) {
    ScenarioBuilder b = new ScenarioBuilder(NAME, seed, 11);
    long start = b.start;
    long end = start + b.betweenMs(Duration.ofDays(7), Duration.ofDays(10));
    long requestInterval = b.param("requestIntervalSeconds", b.between(20, 30)) * SECOND;
    long memoryInterval = b.param("memoryIntervalSeconds", b.between(30, 60)) * SECOND;
    long maxBytes = b.param("cacheMaxMiB", (long) b.between(1024, 16384)) * 1024 * 1024;
    double level = b.param("heldAt", round(b.between(0.93, 0.97)));
    double headroom = 0.995 - level;
    Wander wander = new Wander(b.rnd, start, end, 10 * MINUTE, headroom / 6, 0.2);
    new MemorySeries(CACHE, "redis-c1", maxBytes, memoryInterval)
        .used(t -> level + Noise.clamp(wander.at(t), -0.03, headroom * 0.8))
        .noise(b.param("noise", round(b.between(0.003, 0.01)))).cap(0.999)
        .emit(b.timeline, b.rnd, start, end);

    List<Instance> web = Instance.fleet("web-api", "web", b.between(2, 3), start, end);
    Curve traffic = Curve.daily(b.between(12.0, 16.0), b.between(0.1, 0.3), b.between(0.6, 0.9));
    new RequestSeries("web-api", web, requestInterval)
        .rate(Curve.constant(b.between(50.0, 300.0)).times(traffic))
        .errors(Curve.constant(b.between(0.0005, 0.004)))
        .emit(b.timeline, b.rnd, start, end);
    b.timeline.dependencies(start, "web-api", List.of(CACHE));
    b.timeline.change(start + b.betweenMs(Duration.ofDays(1), Duration.ofDays(5)), "web-api", "DEPLOY",
        "routine release of web-api");
    Background.add(b, "billing", start, end, 1, requestInterval, memoryInterval, false, false);
    return b.build(end);
  }
}

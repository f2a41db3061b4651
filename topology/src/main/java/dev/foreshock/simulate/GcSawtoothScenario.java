package dev.foreshock.simulate;

import static dev.foreshock.simulate.ScenarioBuilder.MINUTE;
import static dev.foreshock.simulate.ScenarioBuilder.SECOND;
import static dev.foreshock.simulate.ScenarioBuilder.round;

import java.time.Duration;
import java.util.List;

/**
 * Must not fire: a JVM heap that fills steeply (from ~30% to ~90% of its limit within minutes) and
 * is collected, over and over; a job queue that piles up and is cleaned every 10-60 minutes; and a
 * search index whose memory steps up after a reindex and then stays flat. No net growth anywhere.
 */
final class GcSawtoothScenario implements Scenario {

  static final String NAME = "gc-sawtooth";
  static final String HEAP = "orders-jvm-heap";
  static final String QUEUE = "jobs-queue";
  static final String INDEX = "search-index";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "must not fire: a steep GC sawtooth on a JVM heap, a cleaner sawtooth on a queue, a step change that "
        + "stays flat; 2-4 days";
  }

  @Override
  public SimulatedScenario generate(long seed) {
    ScenarioBuilder b = new ScenarioBuilder(NAME, seed, 5);
    long start = b.start;
    long end = start + b.betweenMs(Duration.ofDays(2), Duration.ofDays(4));
    long requestInterval = b.param("requestIntervalSeconds", b.between(20, 30)) * SECOND;

    double low = b.param("heapLow", round(b.between(0.25, 0.35)));
    double high = b.param("heapHigh", round(b.between(0.8, 0.92)));
    long gcPeriod = b.param("gcPeriodSeconds", b.between(90, 600)) * SECOND;
    Sawtooth gc = new Sawtooth(b.rnd, start, end, gcPeriod, 0.3, b.between(0.02, 0.05));
    new MemorySeries(HEAP, "orders-1", b.between(1024, 8192) * 1024L * 1024L,
        b.param("heapIntervalSeconds", b.between(10, 20)) * SECOND)
        .used(t -> low + (high - low) * gc.at(t)).noise(b.between(0.003, 0.01))
        .emit(b.timeline, b.rnd, start, end);

    long memoryInterval = b.param("memoryIntervalSeconds", b.between(30, 60)) * SECOND;
    double queueLow = b.between(0.15, 0.25);
    double queueHigh = b.param("queueHigh", round(b.between(0.55, 0.75)));
    Sawtooth cleaner = new Sawtooth(b.rnd, start, end, b.param("cleanerPeriodMinutes", b.between(10, 60)) * MINUTE,
        0.1, b.between(0.05, 0.15));
    new MemorySeries(QUEUE, "redis-j1", b.between(1024, 4096) * 1024L * 1024L, memoryInterval)
        .used(t -> queueLow + (queueHigh - queueLow) * cleaner.at(t)).noise(b.between(0.003, 0.008))
        .emit(b.timeline, b.rnd, start, end);

    long stepAt = start + b.betweenMs(Duration.ofHours(12), Duration.ofHours(36));
    double before = b.between(0.35, 0.45);
    double after = before + b.param("indexStep", round(b.between(0.15, 0.25)));
    long stepLength = b.betweenMs(Duration.ofMinutes(10), Duration.ofMinutes(40));
    new MemorySeries(INDEX, "search-1", b.between(2048, 16384) * 1024L * 1024L, memoryInterval)
        .used(t -> t < stepAt ? before
            : t < stepAt + stepLength ? before + (after - before) * (t - stepAt) / stepLength : after)
        .noise(b.between(0.002, 0.006))
        .emit(b.timeline, b.rnd, start, end);
    b.timeline.change(stepAt, INDEX, "CONFIG", "reindex with a new analyzer");

    List<Instance> orders = Instance.fleet("orders-api", "orders", b.between(2, 4), start, end);
    new RequestSeries("orders-api", orders, requestInterval)
        .rate(Curve.constant(b.between(50.0, 300.0)).times(Curve.daily(b.between(11.0, 17.0), 0.3, 0.7)))
        .errors(Curve.constant(b.between(0.001, 0.004)))
        .emit(b.timeline, b.rnd, start, end);
    b.timeline.dependencies(start, "orders-api", List.of(HEAP, QUEUE, INDEX));
    Background.add(b, "billing", start, end, 1, requestInterval, memoryInterval, false, false);
    return b.build(end);
  }
}

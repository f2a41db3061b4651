package dev.foreshock.simulate;

import static dev.foreshock.simulate.ScenarioBuilder.DAY;
import static dev.foreshock.simulate.ScenarioBuilder.HOUR;
import static dev.foreshock.simulate.ScenarioBuilder.SECOND;
import static dev.foreshock.simulate.ScenarioBuilder.round;

import java.time.Duration;
import java.util.List;

/**
 * Must not fire: memory that rises every morning and falls every night with no net growth over
 * days (quieter at weekends), and request traffic with a strong daily rhythm (nights at 5-15% of
 * the day) at an unchanged 5xx ratio, with routine daily deploys.
 */
final class DailyRhythmScenario implements Scenario {

  static final String NAME = "daily-rhythm";
  static final String RESOURCE = "redis-sessions";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "must not fire: memory up every morning and down every night, no net growth; traffic with a strong "
        + "daily rhythm; 7-10 days";
  }

  @Override
  public SimulatedScenario generate(long seed) {
    ScenarioBuilder b = new ScenarioBuilder(NAME, seed, 11);
    long start = b.start;
    long end = start + b.betweenMs(Duration.ofDays(7), Duration.ofDays(10));
    long requestInterval = b.param("requestIntervalSeconds", b.between(20, 30)) * SECOND;
    long memoryInterval = b.param("memoryIntervalSeconds", b.between(30, 60)) * SECOND;
    double peakHour = b.param("peakHourUtc", round(b.between(11.0, 17.0)));
    double base = b.param("nightLevel", round(b.between(0.25, 0.45)));
    double amplitude = b.param("dailyAmplitude", round(b.between(0.15, 0.3)));
    Curve rhythm = Curve.daily(peakHour, 0, b.between(0.6, 0.9));
    new MemorySeries(RESOURCE, "redis-s1", b.between(1024, 8192) * 1024L * 1024L, memoryInterval)
        .used(t -> base + amplitude * rhythm.at(t)).noise(b.between(0.003, 0.008))
        .emit(b.timeline, b.rnd, start, end);

    Curve traffic = Curve.daily(peakHour, b.between(0.05, 0.15), b.between(0.5, 0.8));
    List<Instance> web = Instance.fleet("web-api", "web", b.between(2, 3), start, end);
    new RequestSeries("web-api", web, requestInterval)
        .rate(Curve.constant(b.between(100.0, 400.0)).times(traffic))
        .errors(Curve.constant(b.between(0.001, 0.005)))
        .emit(b.timeline, b.rnd, start, end);
    List<Instance> sessions = Instance.fleet("sessions-api", "sess", 1, start, end);
    new RequestSeries("sessions-api", sessions, requestInterval)
        .rate(Curve.constant(b.between(20.0, 80.0)).times(traffic))
        .errors(Curve.constant(b.between(0.001, 0.005)))
        .emit(b.timeline, b.rnd, start, end);
    for (long day = start / DAY + 1; day * DAY < end; day++) {
      long deployAt = day * DAY + (long) (b.between(9.0, 17.0) * HOUR);
      long weekday = Math.floorMod(day + 4, 7);
      if (weekday != 0 && weekday != 6 && deployAt < end) {
        b.timeline.change(deployAt, "web-api", "DEPLOY", "routine daily release of web-api");
      }
    }
    b.timeline.dependencies(start, "web-api", List.of(RESOURCE));
    b.timeline.dependencies(start, "sessions-api", List.of(RESOURCE));
    Background.add(b, "billing", start, end, 1, requestInterval, memoryInterval, false, false);
    return b.build(end);
  }
}

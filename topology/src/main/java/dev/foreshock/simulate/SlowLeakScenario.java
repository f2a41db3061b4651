package dev.foreshock.simulate;

import static dev.foreshock.simulate.ScenarioBuilder.DAY;
import static dev.foreshock.simulate.ScenarioBuilder.HOUR;
import static dev.foreshock.simulate.ScenarioBuilder.MINUTE;
import static dev.foreshock.simulate.ScenarioBuilder.SECOND;
import static dev.foreshock.simulate.ScenarioBuilder.pct;
import static dev.foreshock.simulate.ScenarioBuilder.round;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import java.time.Duration;
import java.util.List;

/**
 * Seed 003: a DEPLOY of {@code jira-webhooks} drops the "remove completed jobs" flag; from then on
 * {@code redis-jobs} keeps every completed job, and its memory grows, at a pace that follows the
 * daily traffic, under the usual cleaner sawtooth and daily rhythm, for about three weeks until it
 * reaches maxmemory; then writes fail and its dependants return 5xx.
 */
final class SlowLeakScenario implements Scenario {

  static final String NAME = "slow-leak";
  static final String QUEUE = "redis-jobs";
  static final List<String> SERVICES = List.of("jira-webhooks", "teams-app");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "seed 003: a DEPLOY drops job cleanup; redis-jobs grows for ~3 weeks under sawtooth and daily noise "
        + "until maxmemory, then 5xx";
  }

  @Override
  public SimulatedScenario generate(long seed) {
    ScenarioBuilder b = new ScenarioBuilder(NAME, seed, 27);
    long start = b.start;
    long requestInterval = b.param("requestIntervalSeconds", b.between(25, 30)) * SECOND;
    long memoryInterval = b.param("memoryIntervalSeconds", b.between(40, 60)) * SECOND;
    long deployAt = start + b.betweenMs(Duration.ofHours(48), Duration.ofHours(80));
    long onset = deployAt + b.betweenMs(Duration.ofMinutes(1), Duration.ofMinutes(6));
    double targetDays = b.param("targetDaysToExhaustion", round(b.between(17.0, 22.0)));
    long maxBytes = b.param("queueMaxMiB", (long) b.between(2048, 8192)) * 1024 * 1024;
    double base = b.param("baseLevel", round(b.between(0.15, 0.3)));
    double dailyAmp = b.param("dailyAmplitude", round(b.between(0.02, 0.05)));
    double sawAmp = b.param("sawtoothAmplitude", round(b.between(0.02, 0.06)));
    long sawPeriod = b.param("cleanerPeriodMinutes", b.between(5, 30)) * MINUTE;
    double peakHour = b.between(10.0, 16.0);
    Curve traffic = Curve.daily(peakHour, b.between(0.2, 0.4), b.between(0.5, 0.8));
    long horizon = start + 30 * DAY;
    Sawtooth saw = new Sawtooth(b.rnd, start, horizon, sawPeriod, 0.15, b.between(0.05, 0.2));
    Curve dailyShape = Curve.daily(peakHour, 0, 1);

    // The leak accumulates with the traffic: cumulative traffic on a 10-minute grid since the onset.
    long step = 10 * MINUTE;
    int cells = (int) ((horizon - onset) / step) + 2;
    double[] cumulative = new double[cells];
    for (int i = 1; i < cells; i++) {
      cumulative[i] = cumulative[i - 1] + traffic.at(onset + (i - 1) * step + step / 2);
    }
    double leakTotal = 1.0 - base - dailyAmp - sawAmp;
    double perCell = leakTotal / cumulative[(int) (targetDays * DAY / step)];
    Curve leak = t -> {
      if (t <= onset) {
        return 0;
      }
      double x = (t - onset) / (double) step;
      int i = Math.min(cells - 2, (int) x);
      return perCell * (cumulative[i] + (x - i) * (cumulative[i + 1] - cumulative[i]));
    };
    Curve healthy = t -> base + dailyAmp * dailyShape.at(t) + sawAmp * saw.at(t);
    Curve growing = healthy.plus(leak);
    long exhaustsAt = onset;
    while (growing.at(exhaustsAt) < 1.0) {
      exhaustsAt += 10 * SECOND;
    }
    long full = exhaustsAt;
    long end = exhaustsAt + b.betweenMs(Duration.ofMinutes(60), Duration.ofMinutes(120));
    new MemorySeries(QUEUE, "redis-1", maxBytes, memoryInterval)
        .used(t -> t < full ? growing.at(t) : 1.0)
        .noise(b.between(0.003, 0.008)).cap(0.999)
        .emit(b.timeline, b.rnd, start, end);

    long firstErrors = Long.MAX_VALUE;
    for (int s = 0; s < SERVICES.size(); s++) {
      String service = SERVICES.get(s);
      List<Instance> fleet = Instance.fleet(service, s == 0 ? "hooks" : "teams", s == 0 ? 2 : 1, start, end);
      double failing = b.param(service + "ErrorRatio", round(b.between(0.4, 0.95)));
      long errorsFrom = full + b.betweenMs(Duration.ofSeconds(10), Duration.ofSeconds(60));
      firstErrors = Math.min(firstErrors, errorsFrom);
      new RequestSeries(service, fleet, requestInterval)
          .rate(Curve.constant(b.between(20.0, 80.0)).times(traffic))
          .errors(Curve.constant(b.between(0.0005, 0.003)).during(errorsFrom, end, Curve.constant(failing)))
          .emit(b.timeline, b.rnd, start, end);
      b.timeline.dependencies(start, service, List.of(QUEUE));
      b.expect(CandidateType.ERROR_RATE_SPIKE, service, errorsFrom, errorsFrom + 2 * MINUTE, Severity.WARNING,
          service + " fails " + pct(failing) + " of requests once " + QUEUE + " is full");
      b.allow(CandidateType.INCIDENT, service, "part of the " + QUEUE + " incident");
    }
    b.timeline.change(deployAt, SERVICES.get(0), "DEPLOY",
        "event processing of the To Do app moved to the new backend");
    Background.add(b, "mail", start, end, 1, requestInterval, memoryInterval, false, false);

    b.param("onset", onset);
    b.param("daysToExhaustion", round((exhaustsAt - onset) / (double) DAY));
    b.expectGrowth(QUEUE, onset, onset + 48 * HOUR, Severity.WARNING, exhaustsAt,
        QUEUE + " grows from " + pct(base) + " to its limit in " + (exhaustsAt - onset) / HOUR + " h: WARNING within 48 h");
    b.expectGrowth(QUEUE, onset, exhaustsAt - 48 * HOUR, Severity.CRITICAL, exhaustsAt,
        "CRITICAL at least 48 h before exhaustion");
    b.expect(CandidateType.INCIDENT, QUEUE, firstErrors, firstErrors + 5 * MINUTE, Severity.WARNING,
        "growth to exhaustion and 5xx on its dependants");
    return b.build(end);
  }
}

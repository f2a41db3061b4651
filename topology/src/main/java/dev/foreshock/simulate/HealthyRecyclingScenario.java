package dev.foreshock.simulate;

import static dev.foreshock.simulate.ScenarioBuilder.MINUTE;
import static dev.foreshock.simulate.ScenarioBuilder.SECOND;

import java.time.Duration;
import java.util.List;

/**
 * Must not fire: a large fleet whose pools recycle with per-connection jitter (opens spread
 * evenly), a rolling deploy that restarts the containers one after another over a few minutes, and
 * a single cron worker that opens 20-30 connections every 10, 15 or 30 minutes.
 */
final class HealthyRecyclingScenario implements Scenario {

  static final String NAME = "healthy-recycling";
  static final String DATABASE = "postgres-main";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "must not fire: jittered pool recycling, a rolling deploy over a few minutes, a cron worker "
        + "opening 20-30 connections every 10-30 min";
  }

  @Override
  public SimulatedScenario generate(long seed) {
    ScenarioBuilder b = new ScenarioBuilder(NAME, seed, 1);
    long start = b.start;
    long end = start + b.betweenMs(Duration.ofMinutes(100), Duration.ofMinutes(140));
    long requestInterval = b.param("requestIntervalSeconds", b.between(10, 20)) * SECOND;
    int fleetSize = b.param("fleetSize", b.between(16, 64));
    long lifetime = b.param("poolLifetimeSeconds", b.between(8 * 60, 20 * 60)) * SECOND;
    double jitter = b.param("lifetimeJitter", ScenarioBuilder.round(b.between(0.05, 0.25)));
    List<Instance> fleet = Instance.fleet("frontend-api", "fapi", fleetSize, start, end);
    ConnectionPool pool = new ConnectionPool(DATABASE, b.param("poolSize", b.between(4, 16)), lifetime, jitter);

    long rollAt = start + b.betweenMs(Duration.ofMinutes(30), Duration.ofMinutes(70));
    long deployLength = b.param("deploySeconds", b.between(120, 480)) * SECOND;
    long spacing = deployLength / fleetSize;
    long[] restartAt = new long[fleetSize];
    long[] downtime = new long[fleetSize];
    for (int i = 0; i < fleetSize; i++) {
      restartAt[i] = rollAt + i * spacing + b.betweenMs(Duration.ZERO, Duration.ofSeconds(2));
      downtime[i] = b.betweenMs(Duration.ofSeconds(3), Duration.ofSeconds(10));
      pool.restart(fleet.get(i).name(), restartAt[i], downtime[i]);
    }
    pool.emit(b.timeline, b.rnd, fleet, start, end);
    new RequestSeries("frontend-api", fleet, requestInterval)
        .rate(Curve.constant(b.between(5.0, 20.0) * fleetSize))
        .errors(Curve.constant(b.between(0.0005, 0.005)))
        .reporting((inst, t) -> {
          int i = fleet.indexOf(inst);
          return t < restartAt[i] || t >= restartAt[i] + downtime[i];
        })
        .emit(b.timeline, b.rnd, start, end);
    b.timeline.change(rollAt - 10 * SECOND, "frontend-api", "DEPLOY", "rolling deploy of frontend-api");

    List<Instance> backend = Instance.fleet("backend-api", "bapi", b.between(4, 10), start, end);
    new ConnectionPool(DATABASE, b.between(2, 4), b.betweenMs(Duration.ofMinutes(20), Duration.ofMinutes(40)),
        b.between(0.1, 0.25)).emit(b.timeline, b.rnd, backend, start, end);
    new RequestSeries("backend-api", backend, requestInterval).rate(Curve.constant(b.between(50.0, 200.0)))
        .errors(Curve.constant(b.between(0.0005, 0.003))).emit(b.timeline, b.rnd, start, end);
    long cronPeriod = b.param("cronPeriodMinutes", (long) Noise.oneOf(b.rnd, 10, 15, 30)) * MINUTE;
    int cronConnections = b.param("cronConnections", b.between(20, 30));
    ConnectionPool.cron(b.timeline, b.rnd, new Instance("reports-cron", "reports-cron-1", start, end), DATABASE,
        cronPeriod, cronConnections, b.betweenMs(Duration.ofSeconds(30), Duration.ofSeconds(120)), start, end);

    b.timeline.dependencies(start, "frontend-api", List.of(DATABASE));
    b.timeline.dependencies(start, "backend-api", List.of(DATABASE));
    b.timeline.dependencies(start, "reports-cron", List.of(DATABASE));
    Background.add(b, "billing", start, end, 3, requestInterval, 30 * SECOND, true, true);
    return b.build(end);
  }
}

package dev.foreshock.simulate;

import static dev.foreshock.simulate.ScenarioBuilder.MINUTE;
import static dev.foreshock.simulate.ScenarioBuilder.SECOND;
import static dev.foreshock.simulate.ScenarioBuilder.pct;
import static dev.foreshock.simulate.ScenarioBuilder.round;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 002: a short MAINTENANCE on {@code postgres-orders} leaves the pooler with stalled
 * connections; within seconds most backend instances fail to acquire connections and return 5xx;
 * two rounds of restarts help only partly; a cold restart of all instances ends it ~30 minutes later.
 */
final class PoolStallScenario implements Scenario {

  static final String NAME = "pool-stall";
  static final String DATABASE = "postgres-orders";
  static final List<String> SERVICES = List.of("core-api", "dashboard-api");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "seed 002: DB MAINTENANCE leaves stalled pool connections; acquire failures and 5xx across instances "
        + "for ~30 min until a cold restart";
  }

  @Override
  public SimulatedScenario generate(long seed) {
    ScenarioBuilder b = new ScenarioBuilder(NAME, seed, 1);
    long start = b.start;
    long requestInterval = b.param("requestIntervalSeconds", b.between(10, 20)) * SECOND;
    long maintenanceAt = start + b.betweenMs(Duration.ofMinutes(30), Duration.ofMinutes(60));
    long stallAt = maintenanceAt + b.betweenMs(Duration.ofSeconds(5), Duration.ofSeconds(50));
    long coldRestart = maintenanceAt + b.betweenMs(Duration.ofMinutes(26), Duration.ofMinutes(32));
    long end = coldRestart + b.betweenMs(Duration.ofMinutes(15), Duration.ofMinutes(30));
    long[] partialRestarts = {maintenanceAt + b.betweenMs(Duration.ofMinutes(4), Duration.ofMinutes(8)),
        maintenanceAt + b.betweenMs(Duration.ofMinutes(12), Duration.ofMinutes(19))};

    List<List<Instance>> fleets = List.of(
        Instance.fleet("core-api", "core", b.param("coreInstances", b.between(6, 16)), start, end),
        Instance.fleet("dashboard-api", "dash", b.param("dashboardInstances", b.between(2, 5)), start, end));
    double stalledShare = b.param("stalledShare", round(b.between(0.6, 1.0)));
    long firstFailure = Long.MAX_VALUE;
    List<String> restarted = new ArrayList<>();
    for (int s = 0; s < SERVICES.size(); s++) {
      String service = SERVICES.get(s);
      List<Instance> fleet = fleets.get(s);
      ConnectionPool pool = new ConnectionPool(DATABASE, b.between(4, 12),
          b.betweenMs(Duration.ofMinutes(20), Duration.ofMinutes(40)), b.between(0.1, 0.25));
      // When each instance is stalled: from the stall (plus a little) until a restart that helps.
      Map<String, long[]> stalled = new LinkedHashMap<>();
      Map<String, long[]> down = new LinkedHashMap<>();
      int count = 0;
      for (Instance inst : fleet) {
        if (b.rnd.nextDouble() < stalledShare || count < 2) {
          count++;
          long from = stallAt + b.betweenMs(Duration.ZERO, Duration.ofSeconds(20));
          long until = coldRestart;
          double r = b.rnd.nextDouble();
          if (r < 0.25) {
            until = partialRestarts[0];
          } else if (r < 0.45) {
            until = partialRestarts[1];
          }
          until += b.betweenMs(Duration.ZERO, Duration.ofSeconds(40));
          stalled.put(inst.name(), new long[] {from, until});
        }
      }
      for (Instance inst : fleet) {
        long[] st = stalled.get(inst.name());
        long restartAt = st != null && st[1] < coldRestart ? st[1] : coldRestart + b.betweenMs(Duration.ZERO,
            Duration.ofSeconds(30));
        long downtime = b.betweenMs(Duration.ofSeconds(8), Duration.ofSeconds(30));
        pool.restart(inst.name(), restartAt, downtime);
        down.put(inst.name(), new long[] {restartAt, restartAt + downtime});
        if (st != null) {
          firstFailure = Math.min(firstFailure, st[0]);
          ConnectionPool.failures(b.timeline, b.rnd, inst, DATABASE, st[0], st[1],
              Curve.constant(b.between(2.0, 10.0)), 2 * SECOND);
          if (st[1] < coldRestart) {
            restarted.add(inst.name());
          }
        }
      }
      pool.emit(b.timeline, b.rnd, fleet, start, end);
      double base = b.between(0.0005, 0.004);
      double failing = b.param(service + "StalledErrorRatio", round(b.between(0.3, 0.8)));
      long serviceErrors = stalled.values().stream().mapToLong(v -> v[0]).min().orElseThrow();
      new RequestSeries(service, fleet, requestInterval)
          .rate(Curve.constant(b.between(100.0, 500.0)))
          .errors((inst, t) -> {
            long[] st = stalled.get(inst.name());
            return st != null && t >= st[0] && t < st[1] ? failing : base;
          })
          .reporting((inst, t) -> {
            long[] d = down.get(inst.name());
            return t < d[0] || t >= d[1];
          })
          .emit(b.timeline, b.rnd, start, end);
      b.timeline.dependencies(start, service, List.of(DATABASE));
      b.expect(CandidateType.ERROR_RATE_SPIKE, service, serviceErrors, serviceErrors + 2 * MINUTE, Severity.WARNING,
          service + ": " + stalled.size() + " of " + fleet.size() + " instances stalled, " + pct(failing)
              + " of their requests fail");
      b.allow(CandidateType.INCIDENT, service, "part of the " + DATABASE + " incident");
      b.allow(CandidateType.TELEMETRY_GAP, service, "instances restart");
      b.allowAll(CandidateType.TELEMETRY_GAP, Instance.names(fleet), "instances restart");
    }
    b.timeline.change(maintenanceAt, DATABASE, "MAINTENANCE", "backup maintenance task on the database");
    for (int i = 0; i < partialRestarts.length; i++) {
      b.timeline.change(partialRestarts[i], "core-api", "RESTART", "restart of some API backend processes");
    }
    b.timeline.change(coldRestart, "core-api", "RESTART",
        "cold restart of the API runtime environment, stalled database processes killed");
    Background.add(b, "inventory", start, end, 3, requestInterval, 30 * SECOND, true, true);

    b.param("restartedEarly", restarted.size());
    b.expect(CandidateType.CONNECTION_FAILURES, DATABASE, firstFailure, firstFailure + MINUTE, Severity.WARNING,
        "acquire failures across instances right after the maintenance");
    b.expect(CandidateType.INCIDENT, DATABASE, firstFailure, firstFailure + 5 * MINUTE, Severity.WARNING,
        "acquire failures and 5xx after the maintenance");
    b.allow(CandidateType.CONNECTION_BURST, DATABASE, "restarted instances open their pools together");
    return b.build(end);
  }
}

package dev.foreshock.simulate;

import static dev.foreshock.simulate.ScenarioBuilder.MINUTE;
import static dev.foreshock.simulate.ScenarioBuilder.SECOND;
import static dev.foreshock.simulate.ScenarioBuilder.pct;
import static dev.foreshock.simulate.ScenarioBuilder.round;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 000: a blue/green deploy of {@code search-api} with an APM dependency update; minutes later
 * {@code redis-queue} climbs from its normal level to maxmemory in one to two minutes and refuses
 * writes; search, recommendation and chat return 5xx, the visitor logger that writes through the
 * queue goes silent, Redis drops client connections; a rollback restores everything.
 */
final class RapidRiseScenario implements Scenario {

  static final String NAME = "rapid-rise";
  static final String QUEUE = "redis-queue";
  static final String LOGGER = "visitor-log";
  static final List<String> FAILING = List.of("search-api", "recommendation-api", "chat-api");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "seed 000: APM dependency deploy, then redis-queue climbs to maxmemory in 1-2 min; "
        + "dependants return 5xx, visitor-log goes silent; rollback";
  }

  @Override
  public SimulatedScenario generate(long seed) {
    ScenarioBuilder b = new ScenarioBuilder(NAME, seed, 1);
    long start = b.start;
    long requestInterval = b.param("requestIntervalSeconds", b.between(10, 20)) * SECOND;
    long memoryInterval = b.param("memoryIntervalSeconds", b.between(5, 15)) * SECOND;
    long deployAt = start + b.betweenMs(Duration.ofMinutes(30), Duration.ofMinutes(50));
    long greenLive = deployAt + b.betweenMs(Duration.ofSeconds(60), Duration.ofSeconds(100));
    long blueDown = deployAt + b.betweenMs(Duration.ofMinutes(5), Duration.ofMinutes(7));
    long onset = blueDown + b.betweenMs(Duration.ofSeconds(40), Duration.ofSeconds(120));
    long riseMs = b.param("riseSeconds", b.between(60, 120)) * SECOND;
    long full = onset + riseMs;
    long rollbackAt = full + b.betweenMs(Duration.ofMinutes(40), Duration.ofMinutes(57));
    long recoverMs = b.betweenMs(Duration.ofMinutes(2), Duration.ofMinutes(5));
    long recovered = rollbackAt + recoverMs;
    long end = recovered + b.betweenMs(Duration.ofMinutes(10), Duration.ofMinutes(20));

    // The queue: a normal level with a consumer sawtooth, a linear climb to the limit, pinned there.
    long maxBytes = b.param("queueMaxMiB", (long) b.between(2048, 8192)) * 1024 * 1024;
    double level = b.param("queueLevel", round(b.between(0.25, 0.55)));
    double sawAmp = b.between(0.015, 0.04);
    Sawtooth saw = new Sawtooth(b.rnd, start, end, b.betweenMs(Duration.ofMinutes(2), Duration.ofMinutes(6)), 0.2,
        b.between(0.05, 0.2));
    Curve normal = t -> level + sawAmp * saw.at(t);
    double atOnset = normal.at(onset);
    Curve queue = t -> {
      if (t < onset || t >= recovered) {
        return normal.at(t);
      }
      if (t < full) {
        return atOnset + (1.0 - atOnset) * (t - onset) / (double) riseMs;
      }
      if (t < rollbackAt) {
        return 1.0;
      }
      return 1.0 - (1.0 - normal.at(t)) * (t - rollbackAt) / (double) recoverMs;
    };
    new MemorySeries(QUEUE, "redis-q1", maxBytes, memoryInterval).used(queue).noise(b.between(0.002, 0.006))
        .cap(0.999).emit(b.timeline, b.rnd, start, end);

    // Dependants: search-api is redeployed blue/green; everything writes through the queue.
    List<Instance> blue = Instance.fleet("search-api", "search", b.between(3, 6), start, blueDown);
    List<Instance> green = Instance.fleet("search-api", "search-g", blue.size(), greenLive, end);
    List<Instance> search = new ArrayList<>(blue);
    search.addAll(green);
    List<List<Instance>> fleets = List.of(search,
        Instance.fleet("recommendation-api", "reco", b.between(2, 4), start, end),
        Instance.fleet("chat-api", "chat", b.between(2, 4), start, end));
    b.param("searchInstances", blue.size());
    long firstErrors = Long.MAX_VALUE;
    for (int s = 0; s < FAILING.size(); s++) {
      String service = FAILING.get(s);
      double base = b.between(0.0005, 0.004);
      double failing = b.param(service + "ErrorRatio", round(b.between(0.15, 0.55)));
      long errorsFrom = full + b.betweenMs(Duration.ZERO, Duration.ofSeconds(20));
      long errorsTo = rollbackAt + recoverMs / 2;
      firstErrors = Math.min(firstErrors, errorsFrom);
      new RequestSeries(service, fleets.get(s), requestInterval)
          .rate(Curve.constant(b.between(100.0, 600.0)))
          .errors(Curve.constant(base).during(errorsFrom, errorsTo, Curve.constant(failing)))
          .emit(b.timeline, b.rnd, start, end);
      b.timeline.dependencies(start, service, s == 0 ? List.of(QUEUE, "search-index") : List.of(QUEUE));
      b.expect(CandidateType.ERROR_RATE_SPIKE, service, errorsFrom, errorsFrom + 2 * MINUTE, Severity.WARNING,
          service + " 5xx ratio jumps to " + pct(failing) + " when " + QUEUE + " refuses writes");
      b.allow(CandidateType.INCIDENT, service, "part of the " + QUEUE + " incident");
      new ConnectionPool(QUEUE, b.between(2, 4), b.betweenMs(Duration.ofMinutes(30), Duration.ofMinutes(60)), 0.2)
          .emit(b.timeline, b.rnd, fleets.get(s), start, end);
      for (Instance inst : fleets.get(s)) {
        redisDropsConnections(b, inst, full, rollbackAt);
      }
    }

    // The visitor logger writes through the queue: its telemetry goes silent while the queue is full.
    List<Instance> loggers = Instance.fleet(LOGGER, "vlog", b.between(2, 3), start, end);
    long silentFrom = full + b.betweenMs(Duration.ZERO, Duration.ofSeconds(30));
    new RequestSeries(LOGGER, loggers, requestInterval)
        .rate(Curve.constant(b.between(100.0, 400.0)))
        .errors(Curve.constant(b.between(0.0005, 0.002)))
        .reporting((i, t) -> t < silentFrom || t >= recovered)
        .emit(b.timeline, b.rnd, start, end);
    b.timeline.dependencies(start, LOGGER, List.of(QUEUE));

    b.timeline.change(deployAt, "search-api", "DEPLOY", "APM agent dependency update, blue/green deploy");
    b.timeline.change(blueDown - 5 * SECOND, "search-api", "SCALE",
        "blue/green: old search-api instances scaled down to 0");
    b.timeline.change(rollbackAt, "search-api", "ROLLBACK", "rolled back the APM agent dependency update");
    Background.add(b, "billing", start, end, 3, requestInterval, 30 * SECOND, true, true);

    b.param("onset", onset);
    b.expect(CandidateType.MEMORY_RAPID_RISE, QUEUE, onset, onset + 2 * MINUTE, Severity.CRITICAL,
        QUEUE + " climbs from " + pct(atOnset) + " to its limit in " + riseMs / SECOND + " s");
    b.expect(CandidateType.TELEMETRY_GAP, LOGGER, silentFrom, silentFrom + 10 * MINUTE, Severity.WARNING,
        LOGGER + " stops reporting while " + QUEUE + " refuses writes");
    b.expect(CandidateType.INCIDENT, QUEUE, firstErrors, firstErrors + 5 * MINUTE, Severity.WARNING,
        "rapid rise, 5xx on " + String.join(", ", FAILING) + " and a silent logger share the queue");
    b.allow(CandidateType.MEMORY_GROWTH, QUEUE, "the climb is also growth toward the limit");
    b.allow(CandidateType.CONNECTION_BURST, QUEUE, "clients reconnect after Redis drops them");
    b.allow(CandidateType.CONNECTION_FAILURES, QUEUE, "clients reconnect after Redis drops them");
    b.allow(CandidateType.INCIDENT, LOGGER, "part of the " + QUEUE + " incident");
    b.allowAll(CandidateType.TELEMETRY_GAP, Instance.names(loggers), "the logger's instances fall silent");
    return b.build(end);
  }

  /** Redis closes client connections while it refuses writes; the pool reconnects at once. */
  private static void redisDropsConnections(ScenarioBuilder b, Instance inst, long from, long to) {
    for (long t = from + b.betweenMs(Duration.ZERO, Duration.ofSeconds(15)); t < to && inst.aliveAt(t);
        t += b.betweenMs(Duration.ofSeconds(5), Duration.ofSeconds(25))) {
      int n = b.between(1, 2);
      b.timeline.connection(t, inst.service(), inst.name(), QUEUE, ConnectionEventKind.CLOSED, "ERROR", n);
      b.timeline.connection(t + b.betweenMs(Duration.ofMillis(50), Duration.ofMillis(800)), inst.service(),
          inst.name(), QUEUE, ConnectionEventKind.OPENED, "ERROR", n);
    }
  }
}

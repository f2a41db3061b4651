package dev.foreshock.correlate;

import static dev.foreshock.avro.CandidateStatus.OPEN;
import static dev.foreshock.avro.CandidateStatus.RESOLVED;
import static dev.foreshock.avro.CandidateType.CONNECTION_FAILURES;
import static dev.foreshock.avro.CandidateType.ERROR_RATE_SPIKE;
import static dev.foreshock.avro.CandidateType.INCIDENT;
import static dev.foreshock.avro.CandidateType.MEMORY_GROWTH;
import static dev.foreshock.avro.CandidateType.MEMORY_RAPID_RISE;
import static dev.foreshock.avro.CandidateType.PERIODIC_CONNECTION_RECYCLING;
import static dev.foreshock.avro.CandidateType.TELEMETRY_GAP;
import static dev.foreshock.avro.Severity.CRITICAL;
import static dev.foreshock.avro.Severity.INFO;
import static dev.foreshock.avro.Severity.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.config.SettingsSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The four seed incidents (shapes of the postmortems in /work/shared/seeds), as detectors would signal them. */
class IncidentGroupingTest {

  @TempDir Path stateDir;
  private CorrelationHarness harness;

  private Scenario start(Instant clockAt, long seed) {
    return start(clockAt, seed, Map.of());
  }

  private Scenario start(Instant clockAt, long seed, Map<String, String> settings) {
    harness = new CorrelationHarness(CorrelationSettings.from(SettingsSource.of(settings)), clockAt, stateDir);
    return new Scenario(harness, seed);
  }

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  /** Seed 000: APM dependency deploy, Redis queue memory rises, dependants fail, visitor logging goes silent. */
  @Test
  void shouldGroupRedisQueueDependantErrorsAndGapUnderOneIncidentCausedByTheDeploy() {
    Instant day = Instant.parse("2025-08-29T06:00:00Z");
    Scenario s = start(day.plus(Duration.ofDays(1)), 1000);
    for (String service : List.of("search-api", "recommendation-api", "chat-api")) {
      s.declare(day, service, "redis-queue", "postgres-catalog");
    }
    s.declare(day, "billing-api", "postgres-billing");
    // visitor-log is not declared: its pools' connections to redis-queue teach the dependency
    s.connections("visitor-log", 3, "redis-queue", day, day.plus(Duration.ofMinutes(110)), Duration.ofMinutes(1),
        ConnectionEventKind.OPENED);
    s.change(day.plus(Duration.ofMinutes(10)), "postgres-billing", "MAINTENANCE", "vacuum");
    s.change(day.plus(Duration.ofMinutes(90)), "billing-api", "CONFIG", "feature flag for invoices");
    s.change(Instant.parse("2025-08-29T07:43:00Z"), "search-api", "DEPLOY", "APM agent dependency update");
    s.change(Instant.parse("2025-08-29T07:48:00Z"), "chat-api", "SCALE", "3 -> 4 replicas");

    Instant rise = Instant.parse("2025-08-29T07:50:10Z");
    Instant errors = Instant.parse("2025-08-29T07:51:30Z");
    Instant rollback = Instant.parse("2025-08-29T08:47:00Z");
    s.stretch(MEMORY_RAPID_RISE, "redis-queue", rise, rollback, Duration.ofSeconds(20),
        t -> t.isBefore(rise.plusSeconds(50)) ? WARNING : CRITICAL,
        t -> Map.of("slopeBytesPerSecond", s.noisy(2.1e7, 0.1), "secondsToExhaustion", s.noisy(40, 0.1),
            "usedFraction", s.noisy(0.98, 0.01)), rise.minusSeconds(20));
    for (String service : List.of("search-api", "recommendation-api", "chat-api")) {
      s.stretch(ERROR_RATE_SPIKE, service, errors.plusSeconds(s.random().nextInt(40)), rollback,
          Duration.ofSeconds(30), t -> CRITICAL, t -> Map.of("errorRatio", s.noisy(0.5, 0.2),
              "baselineRatio", 0.003, "requests", s.noisy(6000, 0.1), "errors", s.noisy(3000, 0.2)), errors);
      s.cleared(ERROR_RATE_SPIKE, service, rollback);
    }
    s.stretch(TELEMETRY_GAP, "visitor-log", errors.plusSeconds(60), rollback, Duration.ofMinutes(1), t -> WARNING,
        t -> Map.of("expectedIntervalSeconds", 10.0,
            "silentSeconds", (double) Duration.between(errors, t).toSeconds()), errors);
    s.cleared(TELEMETRY_GAP, "visitor-log", rollback);
    s.cleared(MEMORY_RAPID_RISE, "redis-queue", rollback);
    // a healthy, unrelated service has its own short blip at the same time
    s.stretch(ERROR_RATE_SPIKE, "billing-api", errors.plusSeconds(45), errors.plusSeconds(400), Duration.ofSeconds(30),
        t -> WARNING, t -> Map.of("errorRatio", s.noisy(0.05, 0.2), "baselineRatio", 0.004, "requests", 800.0,
            "errors", 40.0), errors.plusSeconds(30));
    s.cleared(ERROR_RATE_SPIKE, "billing-api", errors.plusSeconds(400));
    s.change(rollback.plus(Duration.ofMinutes(30)), "search-api", "ROLLBACK", "APM agent dependency update");
    s.play();

    List<IncidentCandidate> out = harness.drain();
    Map<String, List<String>> statuses = new LinkedHashMap<>();
    out.forEach(c -> statuses.computeIfAbsent(c.getId(), k -> new java.util.ArrayList<>())
        .add(c.getStatus() + "@" + Instant.ofEpochMilli(c.getTs()) + "/" + c.getSeverity()
            + (c.getType() == INCIDENT ? c.getEvidence().toString() + c.getProbableCauses() : "")));
    LoggerFactory.getLogger(IncidentGroupingTest.class).info("seed 000 records: {}", statuses);
    IncidentCandidate incident = first(out, INCIDENT);
    assertThat(incident.getSubject()).isEqualTo("redis-queue");
    assertThat(incident.getStatus()).isEqualTo(OPEN);
    assertThat(incident.getTs()).isLessThanOrEqualTo(errors.plus(Duration.ofMinutes(5)).toEpochMilli());
    assertThat(incident.getProbableCauses().get(0))
        .isEqualTo("2025-08-29T07:43:00Z DEPLOY search-api: APM agent dependency update");
    assertThat(out).filteredOn(c -> c.getType() == INCIDENT).extracting(IncidentCandidate::getId)
        .containsOnly(incident.getId());

    IncidentCandidate last = last(out, incident.getId());
    assertThat(last.getStatus()).isEqualTo(RESOLVED);
    assertThat(last.getSeverity()).isEqualTo(CRITICAL);
    assertThat(last.getEvidence()).containsEntry("members", 5.0);
    assertThat(last.getRelated()).containsExactlyInAnyOrder(
        idOf(out, MEMORY_RAPID_RISE, "redis-queue"), idOf(out, ERROR_RATE_SPIKE, "search-api"),
        idOf(out, ERROR_RATE_SPIKE, "recommendation-api"), idOf(out, ERROR_RATE_SPIKE, "chat-api"),
        idOf(out, TELEMETRY_GAP, "visitor-log"));
    assertThat(last.getProbableCauses()).noneMatch(c -> c.contains("billing"));
    assertThat(last.getProbableCauses()).contains("2025-08-29T07:48:00Z SCALE chat-api: 3 -> 4 replicas");

    String billing = idOf(out, ERROR_RATE_SPIKE, "billing-api");
    assertThat(last.getRelated()).doesNotContain(billing);
    assertThat(out).filteredOn(c -> c.getId().equals(billing)).allSatisfy(c -> assertThat(c.getRelated()).isEmpty());
    for (String member : last.getRelated()) {
      assertThat(last(out, member).getRelated()).containsExactly(incident.getId());
      assertThat(last(out, member).getStatus()).isEqualTo(RESOLVED);
    }
    // the search-api candidate carries its own cause, its own deploy
    assertThat(first(out, ERROR_RATE_SPIKE, "search-api").getProbableCauses().get(0))
        .isEqualTo("2025-08-29T07:43:00Z DEPLOY search-api: APM agent dependency update");
  }

  /** Seed 001: provider upgrade, then fleet-wide connection recycling every 15 min, frontend errors. */
  @Test
  void shouldGroupPeriodicRecyclingWithFrontendErrorsAndRankTheProviderUpgradeFirst() {
    Instant upgrade = Instant.parse("2025-09-14T05:30:00Z");
    Scenario s = start(Instant.parse("2025-09-20T00:00:00Z"), 1001);
    s.change(upgrade, "postgres-main", "UPGRADE", "provider minor version auto-upgrade");
    s.change(Instant.parse("2025-09-15T09:00:00Z"), "frontend-api", "DEPLOY", "sign-up form copy");
    s.change(Instant.parse("2025-09-15T12:30:00Z"), "backend-api", "SCALE", "autoscaler 12 -> 14");
    // both APIs' pools talk to postgres-main; nobody declares it
    Instant pools = Instant.parse("2025-09-15T11:00:00Z");
    s.connections("frontend-api", 6, "postgres-main", pools, pools.plus(Duration.ofHours(4)), Duration.ofMinutes(5),
        ConnectionEventKind.OPENED);
    s.connections("backend-api", 2, "postgres-main", pools, pools.plus(Duration.ofHours(4)), Duration.ofMinutes(5),
        ConnectionEventKind.OPENED);
    Instant detected = Instant.parse("2025-09-15T12:15:00Z");
    s.stretch(PERIODIC_CONNECTION_RECYCLING, "postgres-main", detected, pools.plus(Duration.ofHours(4)),
        Duration.ofMinutes(15), t -> WARNING, t -> Map.of("periodSeconds", s.noisy(900, 0.01), "bursts", 6.0,
            "fleetFraction", s.noisy(0.7, 0.05), "fleetFractionTrend", 0.02), upgrade.plus(Duration.ofMinutes(40)));
    Instant spike = Instant.parse("2025-09-15T13:08:00Z");
    s.stretch(ERROR_RATE_SPIKE, "frontend-api", spike, spike.plus(Duration.ofMinutes(9)), Duration.ofSeconds(30),
        t -> CRITICAL, t -> Map.of("errorRatio", s.noisy(0.2, 0.2), "baselineRatio", 0.002,
            "requests", s.noisy(9000, 0.1), "errors", s.noisy(1800, 0.2)), spike.minusSeconds(30));
    s.cleared(ERROR_RATE_SPIKE, "frontend-api", spike.plus(Duration.ofMinutes(9)));
    s.play();

    List<IncidentCandidate> out = harness.drain();
    IncidentCandidate incident = first(out, INCIDENT);
    assertThat(incident.getSubject()).isEqualTo("postgres-main");
    assertThat(incident.getTs()).isLessThanOrEqualTo(spike.plus(Duration.ofMinutes(5)).toEpochMilli());
    assertThat(incident.getRelated()).containsExactlyInAnyOrder(
        idOf(out, PERIODIC_CONNECTION_RECYCLING, "postgres-main"), idOf(out, ERROR_RATE_SPIKE, "frontend-api"));
    assertThat(incident.getProbableCauses().get(0))
        .isEqualTo("2025-09-14T05:30:00Z UPGRADE postgres-main: provider minor version auto-upgrade");
    assertThat(first(out, PERIODIC_CONNECTION_RECYCLING, "postgres-main").getProbableCauses().get(0))
        .startsWith("2025-09-14T05:30:00Z UPGRADE postgres-main");
    // the frontend's errors resolved, the recycling goes on: the incident stays open, with one active member
    IncidentCandidate latest = last(out, incident.getId());
    assertThat(latest.getStatus()).isNotEqualTo(RESOLVED);
    assertThat(latest.getEvidence()).containsEntry("members", 2.0).containsEntry("activeMembers", 1.0);
  }

  /** Seed 002: a maintenance snapshot leaves the pooler stalled: acquire failures, then API 500s. */
  @Test
  void shouldGroupConnectionFailuresAndApiErrorsAfterMaintenance() {
    Instant maintenance = Instant.parse("2023-01-17T16:01:00Z");
    Scenario s = start(Instant.parse("2023-01-18T00:00:00Z"), 1002);
    s.change(maintenance.minus(Duration.ofHours(3)), "commerce-api", "CONFIG", "rate limits per org");
    s.change(maintenance.minus(Duration.ofMinutes(50)), "dashboard", "DEPLOY", "new orders table");
    s.change(maintenance, "postgres-main", "MAINTENANCE", "backup snapshot");
    s.connections("commerce-api", 8, "postgres-main", maintenance.minus(Duration.ofMinutes(30)),
        maintenance.plusSeconds(20), Duration.ofMinutes(2), ConnectionEventKind.OPENED);
    s.connections("commerce-api", 8, "postgres-main", maintenance.plusSeconds(20),
        maintenance.plus(Duration.ofMinutes(29)), Duration.ofSeconds(30), ConnectionEventKind.ACQUIRE_FAILED);
    Instant failures = maintenance.plusSeconds(40);
    Instant end = Instant.parse("2023-01-17T16:30:00Z");
    s.stretch(CONNECTION_FAILURES, "postgres-main", failures, end, Duration.ofSeconds(10),
        t -> t.isBefore(failures.plusSeconds(60)) ? WARNING : CRITICAL,
        t -> Map.of("failures", s.noisy(120, 0.3), "instances", 8.0, "baseline", 0.5), maintenance.plusSeconds(20));
    s.cleared(CONNECTION_FAILURES, "postgres-main", end);
    Instant errors = Instant.parse("2023-01-17T16:02:10Z");
    s.stretch(ERROR_RATE_SPIKE, "commerce-api", errors, end, Duration.ofSeconds(30), t -> CRITICAL,
        t -> Map.of("errorRatio", s.noisy(0.35, 0.2), "baselineRatio", 0.001, "requests", s.noisy(4000, 0.1),
            "errors", s.noisy(1400, 0.2)), errors.minusSeconds(30));
    s.cleared(ERROR_RATE_SPIKE, "commerce-api", end);
    // the dashboard is healthy but has an unrelated, short spike of its own
    s.stretch(ERROR_RATE_SPIKE, "dashboard", errors.plusSeconds(100), errors.plusSeconds(300), Duration.ofSeconds(30),
        t -> WARNING, t -> Map.of("errorRatio", 0.04, "baselineRatio", 0.01, "requests", 300.0, "errors", 12.0),
        errors.plusSeconds(90));
    s.cleared(ERROR_RATE_SPIKE, "dashboard", errors.plusSeconds(300));
    s.change(end.plus(Duration.ofMinutes(20)), "search-index", "SCALE", "nightly");
    s.play();

    List<IncidentCandidate> out = harness.drain();
    IncidentCandidate incident = first(out, INCIDENT);
    assertThat(incident.getSubject()).isEqualTo("postgres-main");
    assertThat(incident.getTs()).isLessThanOrEqualTo(errors.plus(Duration.ofMinutes(5)).toEpochMilli());
    assertThat(incident.getProbableCauses().get(0))
        .isEqualTo("2023-01-17T16:01:00Z MAINTENANCE postgres-main: backup snapshot");
    assertThat(incident.getSummary()).startsWith("postgres-main: 2 related candidates overlap (")
        .endsWith("Probable cause: 2023-01-17T16:01:00Z MAINTENANCE postgres-main: backup snapshot");
    IncidentCandidate last = last(out, incident.getId());
    assertThat(last.getStatus()).isEqualTo(RESOLVED);
    assertThat(last.getRelated()).containsExactlyInAnyOrder(
        idOf(out, CONNECTION_FAILURES, "postgres-main"), idOf(out, ERROR_RATE_SPIKE, "commerce-api"));
    assertThat(last.getSeverity()).isEqualTo(CRITICAL);
    assertThat(out).filteredOn(c -> c.getSubject().equals("dashboard"))
        .isNotEmpty().allSatisfy(c -> assertThat(c.getRelated()).isEmpty());
    assertThat(out).filteredOn(c -> c.getType() == INCIDENT).extracting(IncidentCandidate::getId)
        .containsOnly(incident.getId());
  }

  /** Seed 003: a deploy three weeks earlier starts slow Redis growth; the trend is seen days before exhaustion. */
  @Test
  void shouldRankTheDeployNearestTheGrowthOnsetFirstForMemoryGrowth() {
    Instant deploy = Instant.parse("2022-11-06T10:00:00Z");
    Scenario s = start(Instant.parse("2022-12-01T00:00:00Z"), 1003);
    s.declare(Instant.parse("2022-11-01T00:00:00Z"), "todo-worker", "redis-main");
    s.declare(Instant.parse("2022-11-01T00:00:00Z"), "webhook-api", "redis-main", "postgres-main");
    s.change(Instant.parse("2022-11-01T03:00:00Z"), "redis-main", "MAINTENANCE", "engine patch");
    s.change(deploy, "todo-worker", "DEPLOY", "move To Do event processing to the new backend");
    s.change(Instant.parse("2022-11-20T14:00:00Z"), "webhook-api", "DEPLOY", "retry tuning");
    s.change(Instant.parse("2022-11-23T09:00:00Z"), "redis-main", "CONFIG", "slowlog threshold");
    Instant onset = deploy.plus(Duration.ofMinutes(25));
    Instant detected = Instant.parse("2022-11-23T18:00:00Z");
    Instant exhaustion = Instant.parse("2022-11-26T17:00:00Z");
    s.stretch(MEMORY_GROWTH, "redis-main", detected, exhaustion.minus(Duration.ofHours(2)), Duration.ofMinutes(5),
        t -> Duration.between(t, exhaustion).toHours() < 24 ? CRITICAL : WARNING,
        t -> Map.of("slopeBytesPerSecond", s.noisy(1500, 0.05), "r2", s.noisy(0.93, 0.02),
            "secondsToExhaustion", (double) Duration.between(t, exhaustion).toSeconds() * s.noisy(1, 0.05),
            "usedFraction", 0.8, "horizonSeconds", 604800.0, "onsetTs", (double) onset.toEpochMilli()),
        onset.plus(Duration.ofMinutes(s.random().nextInt(20))));
    s.play();

    List<IncidentCandidate> out = harness.drain();
    assertThat(out).extracting(IncidentCandidate::getType).containsOnly(MEMORY_GROWTH);
    IncidentCandidate open = out.get(0);
    assertThat(open.getStatus()).isEqualTo(OPEN);
    assertThat(open.getProbableCauses()).containsExactly(
        "2022-11-06T10:00:00Z DEPLOY todo-worker: move To Do event processing to the new backend",
        "2022-11-01T03:00:00Z MAINTENANCE redis-main: engine patch");
    assertThat(open.getRelated()).isEmpty();
    // three days of 5-minute signals of a steady trend: OPEN, the escalation a day before exhaustion,
    // and at most a couple of updates when the noisy estimate moves by a quarter of the time left
    assertThat(out).hasSizeBetween(2, 4);
    assertThat(out.subList(0, 2)).extracting(IncidentCandidate::getSeverity).containsExactly(WARNING, CRITICAL);
    assertThat(out.get(1).getTs()).isBetween(exhaustion.minus(Duration.ofHours(24)).toEpochMilli(),
        exhaustion.minus(Duration.ofHours(23)).toEpochMilli());
  }

  @Test
  void shouldNotOpenAnIncidentForUnrelatedCandidatesAtTheSameTime() {
    Instant t0 = Instant.parse("2025-10-02T10:00:00Z");
    Scenario s = start(t0.plus(Duration.ofDays(1)), 1004);
    s.declare(t0, "orders-api", "postgres-orders");
    s.declare(t0, "search-api", "elastic");
    s.stretch(ERROR_RATE_SPIKE, "orders-api", t0, t0.plus(Duration.ofMinutes(20)), Duration.ofSeconds(30),
        t -> CRITICAL, t -> Map.of("errorRatio", 0.3), t0);
    s.stretch(CONNECTION_FAILURES, "elastic", t0.plusSeconds(20), t0.plus(Duration.ofMinutes(20)),
        Duration.ofSeconds(10), t -> WARNING, t -> Map.of("failures", 40.0, "instances", 4.0, "baseline", 0.0), t0);
    s.stretch(MEMORY_RAPID_RISE, "redis-cache", t0.plusSeconds(40), t0.plus(Duration.ofMinutes(20)),
        Duration.ofSeconds(20), t -> WARNING, t -> Map.of("usedFraction", 0.9), t0);
    s.play();

    List<IncidentCandidate> out = harness.drain();
    assertThat(out).extracting(IncidentCandidate::getType).doesNotContain(INCIDENT);
    assertThat(out).allSatisfy(c -> assertThat(c.getRelated()).isEmpty());
    assertThat(out).extracting(IncidentCandidate::getSubject).containsExactlyInAnyOrder("orders-api", "elastic", "redis-cache");
  }

  @Test
  void shouldSupersedeTheIncidentWhenAMoreUpstreamSubjectJoins() {
    Instant t0 = Instant.parse("2025-10-03T10:00:00Z");
    Scenario s = start(t0.plus(Duration.ofDays(1)), 1005);
    s.declare(t0, "payments-api", "redis-locks");
    s.stretch(ERROR_RATE_SPIKE, "payments-api", t0, t0.plus(Duration.ofMinutes(15)), Duration.ofSeconds(30),
        t -> CRITICAL, t -> Map.of("errorRatio", 0.3), t0);
    s.stretch(TELEMETRY_GAP, "payments-api", t0.plusSeconds(30), t0.plus(Duration.ofMinutes(15)), Duration.ofMinutes(1),
        t -> WARNING, t -> Map.of("expectedIntervalSeconds", 10.0, "silentSeconds", 60.0), t0);
    s.stretch(MEMORY_RAPID_RISE, "redis-locks", t0.plusSeconds(90), t0.plus(Duration.ofMinutes(15)),
        Duration.ofSeconds(20), t -> CRITICAL, t -> Map.of("usedFraction", 0.99), t0);
    s.play();

    List<IncidentCandidate> incidents = harness.drain().stream().filter(c -> c.getType() == INCIDENT).toList();
    Map<String, String> subjectById = new LinkedHashMap<>();
    incidents.forEach(c -> subjectById.put(c.getId(), c.getSubject()));
    assertThat(subjectById.values()).containsExactly("payments-api", "redis-locks");
    String first = incidents.get(0).getId();
    String second = incidents.stream().filter(c -> c.getSubject().equals("redis-locks")).findFirst().orElseThrow().getId();
    IncidentCandidate superseded = incidents.stream().filter(c -> c.getId().equals(first)).reduce((a, b) -> b).orElseThrow();
    assertThat(superseded.getStatus()).isEqualTo(RESOLVED);
    assertThat(superseded.getRelated()).contains(second);
    assertThat(incidents.stream().filter(c -> c.getId().equals(second)).reduce((a, b) -> b).orElseThrow().getRelated())
        .hasSize(3);
  }

  @Test
  void shouldRaiseTheIncidentSeverityAtOnceWhenAMemberEscalates() {
    Instant t0 = Instant.parse("2025-10-04T10:00:00Z");
    Scenario s = start(t0.plus(Duration.ofDays(1)), 1006);
    s.declare(t0, "feed-api", "kafka-main");
    s.stretch(CONNECTION_FAILURES, "kafka-main", t0, t0.plus(Duration.ofMinutes(10)), Duration.ofSeconds(10),
        t -> WARNING, t -> Map.of("failures", s.noisy(30, 0.2), "instances", 5.0, "baseline", 0.2), t0);
    Instant critical = t0.plusSeconds(200);
    s.stretch(ERROR_RATE_SPIKE, "feed-api", t0.plusSeconds(30), t0.plus(Duration.ofMinutes(10)), Duration.ofSeconds(30),
        t -> t.isBefore(critical) ? WARNING : CRITICAL, t -> Map.of("errorRatio", s.noisy(0.2, 0.1)), t0);
    s.play();

    List<IncidentCandidate> incident = harness.drain().stream().filter(c -> c.getType() == INCIDENT).toList();
    assertThat(incident).extracting(IncidentCandidate::getSeverity).startsWith(WARNING, CRITICAL);
    assertThat(incident.get(0).getTs()).isLessThan(critical.toEpochMilli());
    assertThat(incident.get(1).getTs()).isBetween(critical.toEpochMilli(), critical.plusSeconds(33).toEpochMilli());
    assertThat(incident).extracting(IncidentCandidate::getId).containsOnly(incident.get(0).getId());
  }

  @Test
  void shouldGroupASilentInstanceWithItsServiceThroughLearnedMembership() {
    Instant t0 = Instant.parse("2025-10-05T10:00:00Z");
    Scenario s = start(t0.plus(Duration.ofDays(1)), 1007);
    s.connections("frontend-api", 4, "postgres-main", t0.minus(Duration.ofMinutes(30)), t0.plus(Duration.ofMinutes(20)),
        Duration.ofMinutes(1), ConnectionEventKind.OPENED);
    s.connections("jobs", 2, "postgres-main", t0.minus(Duration.ofMinutes(30)), t0.plus(Duration.ofMinutes(20)),
        Duration.ofMinutes(1), ConnectionEventKind.OPENED);
    s.stretch(ERROR_RATE_SPIKE, "frontend-api", t0, t0.plus(Duration.ofMinutes(15)), Duration.ofSeconds(30),
        t -> WARNING, t -> Map.of("errorRatio", s.noisy(0.1, 0.1)), t0);
    s.stretch(TELEMETRY_GAP, "frontend-api-3", t0.plusSeconds(60), t0.plus(Duration.ofMinutes(15)),
        Duration.ofMinutes(1), t -> WARNING, t -> Map.of("expectedIntervalSeconds", 10.0, "silentSeconds", 60.0), t0);
    // an instance of another service goes silent too: not part of frontend-api, not folded in
    s.stretch(TELEMETRY_GAP, "jobs-1", t0.plusSeconds(90), t0.plus(Duration.ofMinutes(15)),
        Duration.ofMinutes(1), t -> WARNING, t -> Map.of("expectedIntervalSeconds", 10.0, "silentSeconds", 60.0), t0);
    s.play();

    List<IncidentCandidate> out = harness.drain();
    IncidentCandidate incident = first(out, INCIDENT);
    assertThat(incident.getSubject()).isEqualTo("frontend-api");
    assertThat(last(out, incident.getId()).getRelated()).containsExactlyInAnyOrder(
        idOf(out, ERROR_RATE_SPIKE, "frontend-api"), idOf(out, TELEMETRY_GAP, "frontend-api-3"));
    assertThat(last(out, idOf(out, TELEMETRY_GAP, "jobs-1")).getRelated()).isEmpty();
  }

  /** The demo's seed 002 shape: the failures open at INFO and turn CRITICAL within seconds, after a dependant's errors. */
  @Test
  void shouldOpenExactlyOneIncidentWhenAResourceOpensAtInfoAndEscalatesWhileItsDependantsAreOpen() {
    Instant maintenance = Instant.parse("2026-11-22T07:08:10Z");
    Scenario s = start(maintenance.plus(Duration.ofDays(1)), 1010);
    s.declare(maintenance.minus(Duration.ofHours(1)), "core-api", "postgres-orders");
    s.declare(maintenance.minus(Duration.ofHours(1)), "dashboard-api", "postgres-orders");
    s.change(maintenance, "postgres-orders", "MAINTENANCE", "backup maintenance task on the database");
    s.change(maintenance.minus(Duration.ofHours(2)), "core-api", "DEPLOY", "release 412");
    Instant errors = maintenance.plusSeconds(25);
    Instant failures = maintenance.plusSeconds(40);
    Instant end = maintenance.plus(Duration.ofMinutes(30));
    s.stretch(ERROR_RATE_SPIKE, "core-api", errors, end, Duration.ofSeconds(30), t -> CRITICAL,
        t -> Map.of("errorRatio", s.noisy(0.3, 0.2), "baselineRatio", 0.001, "requests", s.noisy(10_000, 0.1),
            "errors", s.noisy(3000, 0.2)), errors.minusSeconds(30));
    s.stretch(CONNECTION_FAILURES, "postgres-orders", failures, end, Duration.ofSeconds(5),
        t -> t.isBefore(failures.plusSeconds(5)) ? INFO : t.isBefore(failures.plusSeconds(10)) ? WARNING : CRITICAL,
        t -> Map.of("failures", s.noisy(t.isBefore(failures.plusSeconds(10)) ? 40 : 400, 0.2), "instances", 10.0,
            "baseline", 0.0), failures.minusSeconds(10));
    s.stretch(ERROR_RATE_SPIKE, "dashboard-api", failures.plusSeconds(35), end, Duration.ofSeconds(30), t -> CRITICAL,
        t -> Map.of("errorRatio", s.noisy(0.35, 0.2), "baselineRatio", 0.0025, "requests", s.noisy(12_000, 0.1),
            "errors", s.noisy(4000, 0.2)), failures);
    for (CandidateType type : List.of(ERROR_RATE_SPIKE, CONNECTION_FAILURES)) {
      s.cleared(type, type == CONNECTION_FAILURES ? "postgres-orders" : "core-api", end);
    }
    s.cleared(ERROR_RATE_SPIKE, "dashboard-api", end);
    s.change(end.plus(Duration.ofMinutes(20)), "search-index", "SCALE", "nightly");
    s.play();

    List<IncidentCandidate> out = harness.drain();
    assertThat(out).filteredOn(c -> c.getType() == CONNECTION_FAILURES).extracting(IncidentCandidate::getSeverity)
        .startsWith(INFO, WARNING, CRITICAL);
    List<IncidentCandidate> incidents = out.stream().filter(c -> c.getType() == INCIDENT).toList();
    assertThat(incidents).as("INCIDENT records").isNotEmpty();
    assertThat(incidents).extracting(IncidentCandidate::getId).containsOnly(incidents.get(0).getId());
    IncidentCandidate incident = incidents.get(0);
    assertThat(incident.getSubject()).isEqualTo("postgres-orders");
    assertThat(incident.getTs()).isLessThanOrEqualTo(errors.plus(Duration.ofMinutes(5)).toEpochMilli());
    assertThat(incident.getProbableCauses().get(0))
        .isEqualTo("2026-11-22T07:08:10Z MAINTENANCE postgres-orders: backup maintenance task on the database");
    assertThat(incidents).extracting(IncidentCandidate::getSeverity).contains(CRITICAL);
    IncidentCandidate last = last(out, incident.getId());
    assertThat(last.getStatus()).isEqualTo(RESOLVED);
    assertThat(last.getRelated()).containsExactlyInAnyOrder(idOf(out, CONNECTION_FAILURES, "postgres-orders"),
        idOf(out, ERROR_RATE_SPIKE, "core-api"), idOf(out, ERROR_RATE_SPIKE, "dashboard-api"));
    for (String member : last.getRelated()) {
      assertThat(last(out, member).getRelated()).containsExactly(incident.getId());
    }
  }

  /**
   * What the live demo did (seed 7, side by side): the connections task ran ahead of the requests
   * task, so the correlation task saw the database's whole failure episode, INFO to cleared, and
   * ended it, before the first error signal of its dependants arrived. They overlapped in event time.
   */
  @Test
  void shouldGroupARelatedCandidateThatArrivesAfterTheResourceEpisodeEndedHere() {
    Instant maintenance = Instant.parse("2026-11-22T08:08:10.707Z");
    Scenario s = start(maintenance.plus(Duration.ofDays(1)), 1011);
    s.declare(maintenance.minus(Duration.ofHours(1)), "core-api", "postgres-orders");
    s.declare(maintenance.minus(Duration.ofHours(1)), "dashboard-api", "postgres-orders");
    s.change(maintenance, "postgres-orders", "MAINTENANCE", "backup maintenance task on the database");
    Instant failures = Instant.parse("2026-11-22T08:10:55Z");
    Instant cleared = Instant.parse("2026-11-22T08:43:40Z");
    s.stretch(CONNECTION_FAILURES, "postgres-orders", failures, cleared, Duration.ofSeconds(5),
        t -> t.isBefore(failures.plusSeconds(5)) ? INFO : t.isBefore(failures.plusSeconds(10)) ? WARNING : CRITICAL,
        t -> Map.of("failures", s.noisy(400, 0.3), "instances", 10.0, "baseline", 0.0), failures.minusSeconds(10));
    s.cleared(CONNECTION_FAILURES, "postgres-orders", cleared);
    // the rest of the fleet (another seed's database) keeps the task's stream time moving, up to 09:02
    Instant other = Instant.parse("2026-11-22T07:50:00Z");
    s.stretch(PERIODIC_CONNECTION_RECYCLING, "postgres-main", other, other.plus(Duration.ofMinutes(72)),
        Duration.ofMinutes(1), t -> WARNING, t -> Map.of("periodSeconds", s.noisy(1110, 0.01), "bursts", 3.0,
            "fleetFraction", 0.5, "fleetFractionTrend", 0.1), other);
    s.play();
    // then the requests task catches up: the APIs' errors, which began 50 s after the failures
    Instant errors = Instant.parse("2026-11-22T08:11:46.254Z");
    Instant recovered = Instant.parse("2026-11-22T08:43:16Z");
    for (String service : List.of("dashboard-api", "core-api")) {
      s.stretch(ERROR_RATE_SPIKE, service, errors, recovered, Duration.ofSeconds(30), t -> CRITICAL,
          t -> Map.of("errorRatio", s.noisy(0.3, 0.2), "baselineRatio", 0.002, "requests", s.noisy(11_000, 0.1),
              "errors", s.noisy(3500, 0.2)), errors.minusSeconds(30));
      s.cleared(ERROR_RATE_SPIKE, service, recovered.plusSeconds(30));
    }
    s.play();
    s.change(Instant.parse("2026-11-22T09:30:00Z"), "search-index", "SCALE", "nightly");
    s.play();

    List<IncidentCandidate> out = harness.drain();
    String failuresId = idOf(out, CONNECTION_FAILURES, "postgres-orders");
    assertThat(last(out, failuresId).getStatus()).isEqualTo(RESOLVED);
    List<IncidentCandidate> incidents = out.stream().filter(c -> c.getType() == INCIDENT).toList();
    assertThat(incidents).as("INCIDENT records").isNotEmpty();
    assertThat(incidents).extracting(IncidentCandidate::getId).containsOnly(incidents.get(0).getId());
    IncidentCandidate incident = incidents.get(0);
    assertThat(incident.getStatus()).isEqualTo(OPEN);
    assertThat(incident.getSubject()).isEqualTo("postgres-orders");
    assertThat(incident.getTs()).isLessThanOrEqualTo(errors.plus(Duration.ofMinutes(5)).toEpochMilli());
    assertThat(incident.getProbableCauses().get(0))
        .isEqualTo("2026-11-22T08:08:10.707Z MAINTENANCE postgres-orders: backup maintenance task on the database");
    assertThat(incident.getRelated()).contains(failuresId, idOf(out, ERROR_RATE_SPIKE, "dashboard-api"));
    IncidentCandidate last = last(out, incident.getId());
    assertThat(last.getStatus()).isEqualTo(RESOLVED);
    assertThat(last.getSeverity()).isEqualTo(CRITICAL);
    assertThat(last.getRelated()).containsExactlyInAnyOrder(failuresId, idOf(out, ERROR_RATE_SPIKE, "dashboard-api"),
        idOf(out, ERROR_RATE_SPIKE, "core-api"));
    assertThat(last(out, idOf(out, ERROR_RATE_SPIKE, "core-api")).getRelated()).containsExactly(incident.getId());
    // the failures had ended before anyone knew: their own records stay as they were
    assertThat(out).filteredOn(c -> c.getId().equals(failuresId)).allSatisfy(c -> assertThat(c.getRelated()).isEmpty());
    assertThat(out).filteredOn(c -> c.getSubject().equals("postgres-main"))
        .allSatisfy(c -> assertThat(c.getRelated()).isEmpty());
  }

  @Test
  void shouldNotGroupACandidateThatOpensAfterARelatedEpisodeHasEnded() {
    Instant t0 = Instant.parse("2025-10-06T10:00:00Z");
    Scenario s = start(t0.plus(Duration.ofDays(1)), 1012);
    s.declare(t0, "orders-api", "postgres-orders");
    s.stretch(CONNECTION_FAILURES, "postgres-orders", t0, t0.plus(Duration.ofMinutes(8)), Duration.ofSeconds(10),
        t -> CRITICAL, t -> Map.of("failures", s.noisy(120, 0.3), "instances", 6.0, "baseline", 0.0), t0);
    s.cleared(CONNECTION_FAILURES, "postgres-orders", t0.plus(Duration.ofMinutes(8)));
    // the hold-off ends at 10:18; the errors begin at 10:25, in order: two separate things
    Instant errors = t0.plus(Duration.ofMinutes(25));
    s.stretch(ERROR_RATE_SPIKE, "orders-api", errors, errors.plus(Duration.ofMinutes(10)), Duration.ofSeconds(30),
        t -> CRITICAL, t -> Map.of("errorRatio", s.noisy(0.3, 0.2)), errors);
    s.play();

    List<IncidentCandidate> out = harness.drain();
    assertThat(out).extracting(IncidentCandidate::getType).doesNotContain(INCIDENT);
    assertThat(out).allSatisfy(c -> assertThat(c.getRelated()).isEmpty());
  }

  /** Extension beyond the contract: siblings of a shared upstream that has no candidate of its own. */
  @Test
  void shouldGroupSiblingServicesUnderTheirSharedUpstreamWithoutFoldingInUnrelatedOrLateOnes() {
    Instant t0 = Instant.parse("2025-10-07T14:00:00Z");
    Scenario s = start(t0.plus(Duration.ofDays(1)), 1013);
    s.declare(t0.minus(Duration.ofHours(2)), "cart-api", "postgres-shop", "redis-sessions");
    s.declare(t0.minus(Duration.ofHours(2)), "search-api", "elastic");
    s.declare(t0.minus(Duration.ofHours(2)), "reports-api", "postgres-shop");
    s.declare(t0.minus(Duration.ofHours(2)), "audit-api", "postgres-shop");
    // checkout-api declares nothing: its pools' connections teach the dependency
    s.connections("checkout-api", 5, "postgres-shop", t0.minus(Duration.ofMinutes(30)), t0.plus(Duration.ofMinutes(40)),
        Duration.ofMinutes(1), ConnectionEventKind.OPENED);
    s.change(t0.minus(Duration.ofMinutes(4)), "postgres-shop", "CONFIG", "max_connections 400 -> 200");
    s.change(t0.minus(Duration.ofMinutes(30)), "search-api", "DEPLOY", "ranking tweak");
    Instant end = t0.plus(Duration.ofMinutes(30));
    s.stretch(ERROR_RATE_SPIKE, "cart-api", t0, end, Duration.ofSeconds(30), t -> WARNING,
        t -> Map.of("errorRatio", s.noisy(0.08, 0.2), "baselineRatio", 0.002, "requests", s.noisy(5000, 0.1),
            "errors", s.noisy(400, 0.2)), t0.minusSeconds(30));
    Instant checkout = t0.plusSeconds(70 + s.random().nextInt(40));
    s.stretch(ERROR_RATE_SPIKE, "checkout-api", checkout, end, Duration.ofSeconds(30), t -> CRITICAL,
        t -> Map.of("errorRatio", s.noisy(0.25, 0.2), "baselineRatio", 0.001, "requests", s.noisy(2000, 0.1),
            "errors", s.noisy(500, 0.2)), checkout.minusSeconds(30));
    // a healthy, unrelated service blips at the same time; another user of the database only at INFO
    s.stretch(ERROR_RATE_SPIKE, "search-api", t0.plusSeconds(40), t0.plusSeconds(400), Duration.ofSeconds(30),
        t -> WARNING, t -> Map.of("errorRatio", s.noisy(0.03, 0.2), "baselineRatio", 0.005), t0.plusSeconds(30));
    s.stretch(ERROR_RATE_SPIKE, "audit-api", t0.plusSeconds(50), t0.plusSeconds(300), Duration.ofSeconds(30),
        t -> INFO, t -> Map.of("errorRatio", s.noisy(0.02, 0.2), "baselineRatio", 0.01), t0.plusSeconds(50));
    // a third user of the database spikes twenty minutes later: not part of what the siblings share
    Instant reports = t0.plus(Duration.ofMinutes(20));
    s.stretch(ERROR_RATE_SPIKE, "reports-api", reports, end, Duration.ofSeconds(30), t -> WARNING,
        t -> Map.of("errorRatio", s.noisy(0.1, 0.2), "baselineRatio", 0.003), reports);
    for (String service : List.of("cart-api", "checkout-api", "reports-api")) {
      s.cleared(ERROR_RATE_SPIKE, service, end);
    }
    s.cleared(ERROR_RATE_SPIKE, "search-api", t0.plusSeconds(400));
    s.cleared(ERROR_RATE_SPIKE, "audit-api", t0.plusSeconds(300));
    s.change(end.plus(Duration.ofMinutes(20)), "search-index", "SCALE", "nightly");
    s.play();

    List<IncidentCandidate> out = harness.drain();
    List<IncidentCandidate> incidents = out.stream().filter(c -> c.getType() == INCIDENT).toList();
    assertThat(incidents).as("INCIDENT records").isNotEmpty();
    assertThat(incidents).extracting(IncidentCandidate::getId).containsOnly(incidents.get(0).getId());
    IncidentCandidate incident = incidents.get(0);
    assertThat(incident.getSubject()).isEqualTo("postgres-shop");
    assertThat(incident.getSeverity()).isEqualTo(CRITICAL);
    assertThat(incident.getTs()).isBetween(checkout.toEpochMilli(), checkout.plusSeconds(4).toEpochMilli());
    assertThat(incident.getProbableCauses().get(0))
        .isEqualTo("2025-10-07T13:56:00Z CONFIG postgres-shop: max_connections 400 -> 200");
    assertThat(incident.getProbableCauses()).noneMatch(c -> c.contains("search-api"));
    IncidentCandidate last = last(out, incident.getId());
    assertThat(last.getStatus()).isEqualTo(RESOLVED);
    assertThat(last.getRelated()).containsExactlyInAnyOrder(
        idOf(out, ERROR_RATE_SPIKE, "cart-api"), idOf(out, ERROR_RATE_SPIKE, "checkout-api"));
    for (String member : last.getRelated()) {
      assertThat(last(out, member).getRelated()).containsExactly(incident.getId());
    }
    for (String loner : List.of("search-api", "audit-api", "reports-api")) {
      assertThat(out).filteredOn(c -> c.getSubject().equals(loner)).as(loner)
          .isNotEmpty().allSatisfy(c -> assertThat(c.getRelated()).isEmpty());
    }
  }

  @Test
  void shouldKeepTheSiblingIncidentWhenTheSharedUpstreamGetsACandidateOfItsOwn() {
    Instant t0 = Instant.parse("2025-10-09T21:00:00Z");
    Scenario s = start(t0.plus(Duration.ofDays(1)), 1015);
    s.declare(t0.minus(Duration.ofHours(1)), "jobs-api", "redis-jobs");
    s.declare(t0.minus(Duration.ofHours(1)), "teams-app", "redis-jobs");
    Instant end = t0.plus(Duration.ofMinutes(25));
    for (String service : List.of("jobs-api", "teams-app")) {
      Instant from = t0.plusSeconds(s.random().nextInt(90));
      s.stretch(ERROR_RATE_SPIKE, service, from, end, Duration.ofSeconds(30), t -> CRITICAL,
          t -> Map.of("errorRatio", s.noisy(0.3, 0.2)), from);
      s.cleared(ERROR_RATE_SPIKE, service, end);
    }
    // the cache's own memory alarm comes four minutes later
    Instant rise = t0.plus(Duration.ofMinutes(4));
    s.stretch(MEMORY_RAPID_RISE, "redis-jobs", rise, end, Duration.ofSeconds(20), t -> CRITICAL,
        t -> Map.of("usedFraction", s.noisy(0.97, 0.01), "secondsToExhaustion", s.noisy(60, 0.2)), rise);
    s.cleared(MEMORY_RAPID_RISE, "redis-jobs", end);
    s.change(end.plus(Duration.ofMinutes(20)), "search-index", "SCALE", "nightly");
    s.play();

    List<IncidentCandidate> out = harness.drain();
    List<IncidentCandidate> incidents = out.stream().filter(c -> c.getType() == INCIDENT).toList();
    assertThat(incidents).as("INCIDENT records").isNotEmpty();
    assertThat(incidents).extracting(IncidentCandidate::getId).containsOnly(incidents.get(0).getId());
    assertThat(incidents).extracting(IncidentCandidate::getSubject).containsOnly("redis-jobs");
    IncidentCandidate last = last(out, incidents.get(0).getId());
    assertThat(last.getStatus()).isEqualTo(RESOLVED);
    assertThat(last.getRelated()).containsExactlyInAnyOrder(idOf(out, ERROR_RATE_SPIKE, "jobs-api"),
        idOf(out, ERROR_RATE_SPIKE, "teams-app"), idOf(out, MEMORY_RAPID_RISE, "redis-jobs"));
    assertThat(last(out, idOf(out, MEMORY_RAPID_RISE, "redis-jobs")).getRelated())
        .containsExactly(incidents.get(0).getId());
  }

  @Test
  void shouldNotGroupServicesSharingOnlyACommonDependencyUnlessTheirSpikesOpenTogether() {
    Instant t0 = Instant.parse("2025-10-08T09:00:00Z");
    Scenario s = start(t0.plus(Duration.ofDays(1)), 1014, Map.of("correlation.sibling-window", "2m"));
    // everything talks to kafka-main (learned from the pools)
    for (String service : List.of("feed-api", "notify-api", "billing-api", "mail-api")) {
      s.connections(service, 2 + s.random().nextInt(4), "kafka-main", t0.minus(Duration.ofMinutes(20)),
          t0.plus(Duration.ofMinutes(70)), Duration.ofMinutes(1), ConnectionEventKind.OPENED);
    }
    // feed-api's long spike; notify-api spikes while it lasts, but opens eight minutes later
    s.stretch(ERROR_RATE_SPIKE, "feed-api", t0, t0.plus(Duration.ofMinutes(30)), Duration.ofSeconds(30),
        t -> CRITICAL, t -> Map.of("errorRatio", s.noisy(0.2, 0.2)), t0);
    s.cleared(ERROR_RATE_SPIKE, "feed-api", t0.plus(Duration.ofMinutes(30)));
    Instant notify = t0.plus(Duration.ofMinutes(8));
    s.stretch(ERROR_RATE_SPIKE, "notify-api", notify, notify.plus(Duration.ofMinutes(5)), Duration.ofSeconds(30),
        t -> WARNING, t -> Map.of("errorRatio", s.noisy(0.1, 0.2)), notify);
    s.cleared(ERROR_RATE_SPIKE, "notify-api", notify.plus(Duration.ofMinutes(5)));
    // billing-api opens after feed-api's episode has ended; mail-api opens in billing-api's hold-off, nine minutes later
    Instant billing = t0.plus(Duration.ofMinutes(45));
    s.stretch(ERROR_RATE_SPIKE, "billing-api", billing, billing.plus(Duration.ofMinutes(4)), Duration.ofSeconds(30),
        t -> WARNING, t -> Map.of("errorRatio", s.noisy(0.1, 0.2)), billing);
    s.cleared(ERROR_RATE_SPIKE, "billing-api", billing.plus(Duration.ofMinutes(4)));
    Instant mail = billing.plus(Duration.ofMinutes(9));
    s.stretch(ERROR_RATE_SPIKE, "mail-api", mail, mail.plus(Duration.ofMinutes(4)), Duration.ofSeconds(30),
        t -> CRITICAL, t -> Map.of("errorRatio", s.noisy(0.4, 0.2)), mail);
    s.play();

    List<IncidentCandidate> out = harness.drain();
    assertThat(out).extracting(IncidentCandidate::getType).doesNotContain(INCIDENT);
    assertThat(out).allSatisfy(c -> assertThat(c.getRelated()).isEmpty());
    assertThat(out).extracting(IncidentCandidate::getSubject).contains("feed-api", "notify-api", "billing-api", "mail-api");
  }

  static IncidentCandidate first(List<IncidentCandidate> out, CandidateType type) {
    return out.stream().filter(c -> c.getType() == type).findFirst().orElseThrow(() -> new AssertionError("no " + type));
  }

  static IncidentCandidate first(List<IncidentCandidate> out, CandidateType type, String subject) {
    return out.stream().filter(c -> c.getType() == type && c.getSubject().equals(subject)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " on " + subject));
  }

  static String idOf(List<IncidentCandidate> out, CandidateType type, String subject) {
    return first(out, type, subject).getId();
  }

  static IncidentCandidate last(List<IncidentCandidate> out, String id) {
    return out.stream().filter(c -> c.getId().equals(id)).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no record of " + id));
  }
}

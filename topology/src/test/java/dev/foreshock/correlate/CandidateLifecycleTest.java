package dev.foreshock.correlate;

import static dev.foreshock.avro.CandidateStatus.OPEN;
import static dev.foreshock.avro.CandidateStatus.RESOLVED;
import static dev.foreshock.avro.CandidateStatus.UPDATED;
import static dev.foreshock.avro.CandidateType.ERROR_RATE_SPIKE;
import static dev.foreshock.avro.CandidateType.MEMORY_RAPID_RISE;
import static dev.foreshock.avro.CandidateType.PERIODIC_CONNECTION_RECYCLING;
import static dev.foreshock.avro.Severity.CRITICAL;
import static dev.foreshock.avro.Severity.INFO;
import static dev.foreshock.avro.Severity.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.config.SettingsSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class CandidateLifecycleTest {

  private static final Instant BASE = Instant.parse("2025-09-01T00:00:00Z");

  @TempDir Path stateDir;
  private CorrelationHarness harness;

  private CorrelationHarness start(Map<String, String> settings) {
    harness = new CorrelationHarness(CorrelationSettings.from(SettingsSource.of(settings)),
        BASE.plus(Duration.ofDays(30)), stateDir);
    return harness;
  }

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void shouldOpenOnceAndResolveAfterHoldOffWhenSignalsClear() {
    start(Map.of("correlation.hold-off", "7m"));
    Scenario s = new Scenario(harness, 11);
    Instant from = BASE.plusSeconds(600);
    Instant clearedAt = from.plus(Duration.ofMinutes(20));
    s.stretch(ERROR_RATE_SPIKE, "checkout-api", from, clearedAt, Duration.ofSeconds(30), t -> WARNING,
        t -> Map.of("errorRatio", s.noisy(0.12, 0.2), "baselineRatio", 0.004, "requests", 4200.0, "errors", 500.0), from);
    s.cleared(ERROR_RATE_SPIKE, "checkout-api", clearedAt);
    // stream time moves on with signals of another, unrelated subject
    s.stretch(MEMORY_RAPID_RISE, "cache-eu", clearedAt.plusSeconds(10), clearedAt.plus(Duration.ofMinutes(9)),
        Duration.ofSeconds(20), t -> WARNING, t -> Map.of("usedFraction", 0.5), clearedAt);
    s.play();

    List<IncidentCandidate> spike = of(harness.drain(), "checkout-api");
    assertThat(spike).extracting(IncidentCandidate::getStatus).containsExactly(OPEN, RESOLVED);
    assertThat(spike).extracting(IncidentCandidate::getId).containsOnly(spike.get(0).getId());
    assertThat(spike.get(0).getTs()).isBetween(from.toEpochMilli(), from.plusSeconds(4).toEpochMilli());
    IncidentCandidate resolved = spike.get(1);
    assertThat(resolved.getTs()).isBetween(clearedAt.plus(Duration.ofMinutes(7)).toEpochMilli(),
        clearedAt.plus(Duration.ofMinutes(8)).toEpochMilli());
    assertThat(resolved.getSeverity()).isEqualTo(WARNING);
    assertThat(resolved.getEvidence()).containsKeys("errorRatio", "baselineRatio", "requests", "errors");
    assertThat(resolved.getWindowEnd()).isLessThanOrEqualTo(clearedAt.toEpochMilli());
  }

  @Test
  void shouldContinueTheSameEpisodeWhenSignalReturnsWithinHoldOff() {
    start(Map.of("correlation.hold-off", "10m"));
    Scenario s = new Scenario(harness, 12);
    Instant t0 = BASE.plusSeconds(3600);
    Map<String, Double> evidence = Map.of("errorRatio", 0.3, "baselineRatio", 0.01, "requests", 900.0, "errors", 270.0);
    s.stretch(ERROR_RATE_SPIKE, "cart-api", t0, t0.plusSeconds(300), Duration.ofSeconds(60), t -> CRITICAL, t -> evidence, t0);
    s.cleared(ERROR_RATE_SPIKE, "cart-api", t0.plusSeconds(300));
    s.stretch(ERROR_RATE_SPIKE, "cart-api", t0.plusSeconds(840), t0.plusSeconds(1200), Duration.ofSeconds(60),
        t -> CRITICAL, t -> evidence, t0);
    s.play();

    List<IncidentCandidate> out = of(harness.drain(), "cart-api");
    assertThat(out).extracting(IncidentCandidate::getStatus).containsExactly(OPEN);
  }

  @Test
  void shouldEscalateAtOnceButHoldOtherUpdatesToTheMinimumInterval() {
    start(Map.of("correlation.min-update.fast", "5m"));
    Scenario s = new Scenario(harness, 13);
    Instant t0 = BASE.plusSeconds(7200);
    s.active(MEMORY_RAPID_RISE, "redis-sessions", WARNING, t0, Duration.ofSeconds(60),
        Map.of("secondsToExhaustion", 900.0, "usedFraction", 0.71, "slopeBytesPerSecond", 3e5), t0);
    // exhaustion estimate halves within a minute: material, but inside the minimum interval
    s.active(MEMORY_RAPID_RISE, "redis-sessions", WARNING, t0.plusSeconds(40), Duration.ofSeconds(60),
        Map.of("secondsToExhaustion", 420.0, "usedFraction", 0.78, "slopeBytesPerSecond", 6e5), t0);
    // severity rises: at once
    s.active(MEMORY_RAPID_RISE, "redis-sessions", CRITICAL, t0.plusSeconds(80), Duration.ofSeconds(60),
        Map.of("secondsToExhaustion", 200.0, "usedFraction", 0.86, "slopeBytesPerSecond", 7e5), t0);
    s.stretch(MEMORY_RAPID_RISE, "redis-sessions", t0.plusSeconds(120), t0.plusSeconds(600), Duration.ofSeconds(20),
        t -> CRITICAL, t -> Map.of("secondsToExhaustion", s.noisy(60.0, 0.05), "usedFraction", 0.97,
            "slopeBytesPerSecond", 7e5), t0);
    s.play();

    List<IncidentCandidate> out = of(harness.drain(), "redis-sessions");
    assertThat(out).extracting(IncidentCandidate::getStatus).containsExactly(OPEN, UPDATED, UPDATED);
    assertThat(out.get(1).getSeverity()).isEqualTo(CRITICAL);
    assertThat(out.get(1).getTs()).isEqualTo(t0.plusSeconds(80).toEpochMilli());
    // exhaustion fell from 200 s to about 60 s: sent once the 5 minutes since the escalation passed
    assertThat(out.get(2).getTs()).isBetween(t0.plusSeconds(380).toEpochMilli(), t0.plusSeconds(420).toEpochMilli());
    assertThat(out.get(2).getEvidence().get("secondsToExhaustion")).isBetween(55.0, 65.0);
  }

  @Test
  void shouldResolveAStaleEpisodeWhenItsDetectorStopsSending() {
    start(Map.of("correlation.stale.fast", "20m", "correlation.hold-off", "10m"));
    Scenario s = new Scenario(harness, 15);
    Instant t0 = BASE.plusSeconds(900);
    Instant last = t0.plus(Duration.ofMinutes(8));
    s.stretch(CandidateType.CONNECTION_BURST, "mongo-users", t0, last, Duration.ofSeconds(10), t -> WARNING,
        t -> Map.of("opens", s.noisy(400, 0.2), "baseline", 30.0, "instances", 12.0, "fleetSize", 14.0,
            "fleetFraction", 12 / 14.0), t0);
    // no cleared signal; stream time moves on with changes elsewhere, one every 5 minutes
    for (int i = 1; i <= 12; i++) {
      s.change(last.plus(Duration.ofMinutes(5L * i)), "unrelated-" + i, "DEPLOY", "routine");
    }
    s.play();

    List<IncidentCandidate> out = of(harness.drain(), "mongo-users");
    assertThat(out).extracting(IncidentCandidate::getStatus).containsExactly(OPEN, RESOLVED);
    // last active signal + 20 min staleness + 10 min hold-off
    assertThat(out.get(1).getTs()).isBetween(last.plus(Duration.ofMinutes(29)).toEpochMilli(),
        last.plus(Duration.ofMinutes(30)).toEpochMilli());
  }

  @Test
  void shouldStartANewEpisodeWhenTheNextSignalComesAfterTheHoldOff() {
    start(Map.of("correlation.hold-off", "10m"));
    Scenario s = new Scenario(harness, 16);
    Instant t0 = BASE.plusSeconds(1800);
    Map<String, Double> evidence = Map.of("failures", 50.0, "instances", 3.0, "baseline", 0.0);
    s.stretch(CandidateType.CONNECTION_FAILURES, "pgbouncer", t0, t0.plusSeconds(120), Duration.ofSeconds(10),
        t -> WARNING, t -> evidence, t0);
    s.cleared(CandidateType.CONNECTION_FAILURES, "pgbouncer", t0.plusSeconds(120));
    // nothing at all for two hours, then the same condition again
    Instant again = t0.plus(Duration.ofHours(2));
    s.stretch(CandidateType.CONNECTION_FAILURES, "pgbouncer", again, again.plusSeconds(60), Duration.ofSeconds(10),
        t -> WARNING, t -> evidence, again);
    s.play();

    List<IncidentCandidate> out = of(harness.drain(), "pgbouncer");
    assertThat(out).extracting(IncidentCandidate::getStatus).containsExactly(OPEN, RESOLVED, OPEN);
    assertThat(out.get(1).getTs()).isEqualTo(t0.plusSeconds(120).plus(Duration.ofMinutes(10)).toEpochMilli());
    assertThat(out.get(2).getId()).isNotEqualTo(out.get(0).getId());
  }

  @Test
  void shouldAddALateLoggedChangeToTheCausesWithTheNextAllowedUpdate() {
    start(Map.of("correlation.min-update.fast", "5m"));
    Scenario s = new Scenario(harness, 17);
    Instant t0 = BASE.plusSeconds(5400);
    s.stretch(ERROR_RATE_SPIKE, "api-gateway", t0, t0.plus(Duration.ofMinutes(12)), Duration.ofSeconds(30),
        t -> WARNING, t -> Map.of("errorRatio", s.noisy(0.1, 0.1), "baselineRatio", 0.001, "requests", 10000.0,
            "errors", 1000.0), t0.minusSeconds(30));
    // the CD system reports the deploy two minutes after the errors began, with its true time
    s.at(t0.plusSeconds(120), () -> harness.change(t0.minusSeconds(240), "api-gateway", "DEPLOY", "route table v7"));
    s.play();

    List<IncidentCandidate> out = of(harness.drain(), "api-gateway");
    assertThat(out).extracting(IncidentCandidate::getStatus).containsExactly(OPEN, UPDATED);
    assertThat(out.get(0).getProbableCauses()).isEmpty();
    assertThat(out.get(1).getProbableCauses()).containsExactly(
        Instant.ofEpochMilli(t0.minusSeconds(240).toEpochMilli()) + " DEPLOY api-gateway: route table v7");
    assertThat(out.get(1).getTs()).isBetween(t0.plusSeconds(300).toEpochMilli(), t0.plusSeconds(340).toEpochMilli());
  }

  @Test
  void shouldKeepFewRecordsPerEpisodeOverANoisyWeek() {
    start(Map.of());
    Scenario s = new Scenario(harness, 14);
    Instant end = BASE.plus(Duration.ofDays(7));
    s.declare(BASE, "search-api", "redis-queue");
    s.declare(BASE, "chat-api", "redis-queue");
    // a real, long-running condition: recycling every 15 min all week, evidence jittering
    s.stretch(PERIODIC_CONNECTION_RECYCLING, "postgres-main", BASE.plus(Duration.ofHours(2)), end,
        Duration.ofMinutes(15), t -> WARNING, t -> Map.of("periodSeconds", s.noisy(900, 0.02),
            "bursts", 8.0, "fleetFraction", s.noisy(0.6, 0.08), "fleetFractionTrend", s.noisy(0.01, 0.5)),
        BASE.plus(Duration.ofMinutes(30)));
    // a flapping error spike all week: active for a few minutes, silent for a few (inside the hold-off),
    // error ratio +-25 %, now and then a minute at INFO
    Instant t = BASE.plus(Duration.ofHours(1));
    while (t.isBefore(end)) {
      Instant stop = t.plusSeconds(60L * (2 + s.random().nextInt(4)));
      s.stretch(ERROR_RATE_SPIKE, "billing-api", t, stop, Duration.ofMinutes(1),
          x -> s.random().nextInt(10) == 0 ? INFO : WARNING,
          x -> Map.of("errorRatio", s.noisy(0.2, 0.25), "baselineRatio", 0.01, "requests", s.noisy(3000, 0.2),
              "errors", s.noisy(600, 0.25)), t);
      s.cleared(ERROR_RATE_SPIKE, "billing-api", stop);
      t = stop.plusSeconds(60L * (2 + s.random().nextInt(6)));
    }
    // one real incident on day 4
    Instant onset = BASE.plus(Duration.ofDays(4)).plus(Duration.ofHours(7));
    s.stretch(MEMORY_RAPID_RISE, "redis-queue", onset, onset.plus(Duration.ofMinutes(40)), Duration.ofSeconds(20),
        x -> x.isBefore(onset.plusSeconds(60)) ? WARNING : CRITICAL,
        x -> Map.of("usedFraction", s.noisy(0.97, 0.02), "secondsToExhaustion", s.noisy(30, 0.1),
            "slopeBytesPerSecond", s.noisy(2e6, 0.1)), onset);
    for (String service : List.of("search-api", "chat-api")) {
      s.stretch(ERROR_RATE_SPIKE, service, onset.plusSeconds(70), onset.plus(Duration.ofMinutes(40)),
          Duration.ofSeconds(30), x -> CRITICAL, x -> Map.of("errorRatio", s.noisy(0.45, 0.2), "baselineRatio", 0.002,
              "requests", s.noisy(5000, 0.1), "errors", s.noisy(2200, 0.2)), onset.plusSeconds(60));
    }
    for (String subject : List.of("redis-queue", "search-api", "chat-api")) {
      s.cleared(subject.equals("redis-queue") ? MEMORY_RAPID_RISE : ERROR_RATE_SPIKE, subject,
          onset.plus(Duration.ofMinutes(40)));
    }
    s.play();

    List<IncidentCandidate> out = harness.drain();
    Map<String, List<CandidateStatus>> byId = out.stream().collect(Collectors.groupingBy(
        IncidentCandidate::getId, LinkedHashMap::new,
        Collectors.mapping(IncidentCandidate::getStatus, Collectors.toList())));
    Map<String, Integer> counts = new LinkedHashMap<>();
    byId.forEach((id, statuses) -> counts.put(id, statuses.size()));
    LoggerFactory.getLogger(CandidateLifecycleTest.class).info("records per episode over a week: {}", byId);

    assertThat(byId).hasSize(6); // recycling, billing, 3 incident members, 1 incident
    assertThat(byId.values()).allSatisfy(statuses -> assertThat(statuses.get(0)).isEqualTo(OPEN));
    assertThat(byId.values()).allSatisfy(statuses ->
        assertThat(statuses.stream().filter(st -> st == OPEN)).hasSize(1));
    assertThat(counts.get(idOf(out, PERIODIC_CONNECTION_RECYCLING, "postgres-main"))).isEqualTo(1);
    assertThat(counts.get(idOf(out, ERROR_RATE_SPIKE, "billing-api"))).isEqualTo(1);
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(5));
    assertThat(out).hasSizeLessThanOrEqualTo(18);
  }

  private static String idOf(List<IncidentCandidate> out, dev.foreshock.avro.CandidateType type, String subject) {
    return out.stream().filter(c -> c.getType() == type && c.getSubject().equals(subject))
        .findFirst().orElseThrow().getId();
  }

  static List<IncidentCandidate> of(List<IncidentCandidate> all, String subject) {
    return all.stream().filter(c -> c.getSubject().equals(subject)).toList();
  }
}

package dev.foreshock.correlate;

import static dev.foreshock.avro.CandidateType.CONNECTION_BURST;
import static dev.foreshock.avro.CandidateType.CONNECTION_FAILURES;
import static dev.foreshock.avro.CandidateType.ERROR_RATE_SPIKE;
import static dev.foreshock.avro.CandidateType.INCIDENT;
import static dev.foreshock.avro.Severity.CRITICAL;
import static dev.foreshock.avro.Severity.INFO;
import static dev.foreshock.avro.Severity.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.CandidateStatus;
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

/** A consumer that keeps only the last record per id (a compacted topic) knows everything. */
class CompactionSafetyTest {

  private static final Instant T0 = Instant.parse("2025-11-04T14:00:00Z");

  @TempDir Path stateDir;
  private CorrelationHarness harness;

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void shouldCarryTheFullCurrentStateInTheLastRecordOfEveryId() {
    harness = new CorrelationHarness(CorrelationSettings.from(SettingsSource.of(Map.of("correlation.hold-off", "5m"))),
        T0.plus(Duration.ofDays(1)), stateDir);
    Scenario s = new Scenario(harness, 31);
    s.connections("orders-api", 4, "mysql-orders", T0.minus(Duration.ofMinutes(20)), T0.plus(Duration.ofMinutes(60)),
        Duration.ofMinutes(2), ConnectionEventKind.OPENED);
    s.connections("returns-api", 2, "mysql-orders", T0.minus(Duration.ofMinutes(20)), T0.plus(Duration.ofMinutes(60)),
        Duration.ofMinutes(2), ConnectionEventKind.OPENED);
    s.change(T0.minus(Duration.ofMinutes(12)), "mysql-orders", "CONFIG", "max_connections 500 -> 300");
    s.change(T0.minus(Duration.ofMinutes(3)), "orders-api", "DEPLOY", "v2025.11.04-2");
    s.stretch(CONNECTION_FAILURES, "mysql-orders", T0, T0.plus(Duration.ofMinutes(25)), Duration.ofSeconds(10),
        t -> t.isBefore(T0.plus(Duration.ofMinutes(4))) ? WARNING : CRITICAL,
        t -> Map.of("failures", s.noisy(80, 0.3), "instances", 6.0, "baseline", 1.0), T0.minusSeconds(20));
    s.cleared(CONNECTION_FAILURES, "mysql-orders", T0.plus(Duration.ofMinutes(25)));
    s.stretch(ERROR_RATE_SPIKE, "orders-api", T0.plusSeconds(50), T0.plus(Duration.ofMinutes(50)),
        Duration.ofSeconds(30), t -> CRITICAL, t -> Map.of("errorRatio", s.noisy(0.3, 0.2), "baselineRatio", 0.01,
            "requests", 2000.0, "errors", 600.0), T0.plusSeconds(20));
    s.stretch(CONNECTION_BURST, "mysql-orders", T0.plusSeconds(70), T0.plus(Duration.ofMinutes(6)),
        Duration.ofSeconds(10), t -> INFO, t -> Map.of("opens", s.noisy(300, 0.2), "baseline", 20.0,
            "instances", 6.0, "fleetSize", 6.0, "fleetFraction", 1.0), T0.plusSeconds(60));
    s.cleared(CONNECTION_BURST, "mysql-orders", T0.plus(Duration.ofMinutes(6)));
    s.play();

    List<IncidentCandidate> out = harness.drain();
    Map<String, IncidentCandidate> compacted = new LinkedHashMap<>();
    out.forEach(c -> compacted.put(c.getId(), c));

    assertThat(compacted.values()).extracting(IncidentCandidate::getType)
        .containsExactlyInAnyOrder(CONNECTION_FAILURES, ERROR_RATE_SPIKE, CONNECTION_BURST, INCIDENT);
    IncidentCandidate incident = compacted.values().stream().filter(c -> c.getType() == INCIDENT).findFirst().orElseThrow();
    assertThat(incident.getSubject()).isEqualTo("mysql-orders");
    assertThat(incident.getStatus()).isNotEqualTo(CandidateStatus.RESOLVED);
    assertThat(incident.getSeverity()).isEqualTo(CRITICAL);
    assertThat(incident.getEvidence()).containsEntry("members", 3.0).containsEntry("activeMembers", 1.0);
    assertThat(incident.getRelated()).hasSize(3).allSatisfy(id -> assertThat(compacted).containsKey(id));
    assertThat(incident.getProbableCauses()).containsExactly(
        "2025-11-04T13:57:00Z DEPLOY orders-api: v2025.11.04-2",
        "2025-11-04T13:48:00Z CONFIG mysql-orders: max_connections 500 -> 300");

    for (IncidentCandidate c : compacted.values()) {
      assertThat(c.getSummary()).as(c.getId()).isNotBlank();
      assertThat(c.getEvidence()).as(c.getId()).isNotEmpty();
      assertThat(c.getWindowStart()).as(c.getId()).isLessThanOrEqualTo(c.getWindowEnd());
      assertThat(c.getWindowEnd()).as(c.getId()).isLessThanOrEqualTo(c.getTs());
      assertThat(c.getProbableCauses()).as(c.getId()).isNotEmpty();
      if (c.getType() != INCIDENT) {
        assertThat(c.getRelated()).as(c.getId()).containsExactly(incident.getId());
      }
      // the query store's current record is the compacted topic's last record
      assertThat(harness.history().get(c.getId()).current()).isEqualTo(CandidateRecord.of(c));
    }
    // the episodes that ended say so, with the severity and evidence they had
    IncidentCandidate failures = compacted.values().stream().filter(c -> c.getType() == CONNECTION_FAILURES)
        .findFirst().orElseThrow();
    assertThat(failures.getStatus()).isEqualTo(CandidateStatus.RESOLVED);
    assertThat(failures.getSeverity()).isEqualTo(CRITICAL);
    assertThat(failures.getEvidence()).containsKeys("failures", "instances", "baseline");
    assertThat(harness.history().get(failures.getId()).history())
        .extracting(CandidateRecord::status).startsWith(CandidateStatus.OPEN).endsWith(CandidateStatus.RESOLVED);
  }
}

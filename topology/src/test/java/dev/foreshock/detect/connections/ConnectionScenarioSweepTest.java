package dev.foreshock.detect.connections;

import static dev.foreshock.detect.connections.ConnectionScenario.MIN;
import static dev.foreshock.detect.connections.ConnectionScenario.SEC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.Severity;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.detect.connections.ConnectionScenario.Instance;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default settings against many random draws of the seed-001 scenario and its negative
 * controls (about 2 minutes; run with {@code -Dforeshock.sweep=true}). Logs the detection delays.
 */
@EnabledIfSystemProperty(named = "foreshock.sweep", matches = "true")
class ConnectionScenarioSweepTest {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionScenarioSweepTest.class);
  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");
  private static final long T0 = BASE.toEpochMilli();
  private static final int DRAWS = 40;

  @TempDir Path stateDir;

  @Test
  void shouldFindEverySynchronisedFleetAndStayQuietOnEveryNegativeControl() {
    Random r = new Random(2024);
    List<String> misses = new ArrayList<>();
    for (int i = 0; i < DRAWS; i++) {
      int fleetSize = 8 + r.nextInt(53);
      int pool = 2 + r.nextInt(19);
      long lifetime = (10 + r.nextInt(21)) * MIN;
      long syncAt = T0 + 2 * lifetime + r.nextInt(60) * SEC;
      long end = syncAt + 5 * lifetime;
      ConnectionScenario s = new ConnectionScenario(1000 + i, "pg");
      List<Instance> fleet = s.fleet("frontend-api", "fapi", fleetSize);
      s.bunchingRecycling(fleet, pool, lifetime, T0, end, syncAt, m -> 0.5, 2 * SEC);
      s.idleNoise(fleet, 2, T0, end);
      List<IncidentCandidate> out = replay(s.records(), end);

      IncidentCandidate burst = out.stream()
          .filter(c -> c.getType() == CandidateType.CONNECTION_BURST && c.getTs() >= syncAt).findFirst().orElse(null);
      IncidentCandidate periodic = out.stream()
          .filter(c -> c.getType() == CandidateType.PERIODIC_CONNECTION_RECYCLING).findFirst().orElse(null);
      boolean quiet = out.stream().noneMatch(c -> c.getTs() < syncAt && c.getSeverity() != Severity.INFO);
      boolean found = burst != null && burst.getTs() <= syncAt + 30 * SEC && burst.getSeverity() != Severity.INFO
          && periodic != null && periodic.getTs() <= syncAt + 4 * lifetime && periodic.getSeverity() != Severity.INFO
          && Math.abs(periodic.getEvidence().get("periodSeconds") * 1000 - lifetime) <= 0.1 * lifetime;
      if (burst != null && periodic != null) {
        LOG.info("fleet {} pool {} lifetime {} min: burst after {} s, periodic after {} periods, period {} s",
            fleetSize, pool, lifetime / MIN, (burst.getTs() - syncAt) / 1000,
            String.format("%.2f", (periodic.getTs() - syncAt) / (double) lifetime),
            periodic.getEvidence().get("periodSeconds"));
      }
      if (!quiet || !found) {
        misses.add("positive draw " + i + " (fleet " + fleetSize + ", pool " + pool + ", lifetime " + lifetime / MIN
            + " min): " + out);
      }
    }
    for (int i = 0; i < DRAWS; i++) {
      int fleetSize = 8 + r.nextInt(53);
      int pool = 2 + r.nextInt(19);
      long lifetime = (10 + r.nextInt(21)) * MIN;
      long end = T0 + 3 * 60 * MIN;
      ConnectionScenario s = new ConnectionScenario(2000 + i, "pg");
      List<Instance> fleet = s.fleet("frontend-api", "fapi", fleetSize);
      switch (i % 4) {
        case 0 -> s.jitteredRecycling(fleet, pool, lifetime, T0, end);
        case 1 -> s.bunchingRecycling(fleet, pool, lifetime, T0, end, Long.MAX_VALUE, m -> 0, 0);
        case 2 -> {
          s.jitteredRecycling(fleet, pool, lifetime, T0, end);
          List<Instance> crons = s.fleet("reports-cron", "cron", 3);
          s.cron(crons.get(0), 10 * MIN, 20, 30, T0 + 5 * MIN, end);
          s.cron(crons.get(1), 15 * MIN, 20, 30, T0 + 5 * MIN, end);
          s.cron(crons.get(2), 30 * MIN, 20, 30, T0 + 5 * MIN, end);
        }
        default -> {
          s.bunchingRecycling(fleet, pool, lifetime, T0, T0 + 40 * MIN, Long.MAX_VALUE, m -> 0, 0);
          List<Instance> v2 = s.rollingDeploy(fleet, "v2", pool, lifetime, T0 + 40 * MIN, (2 + r.nextInt(4)) * MIN, end);
          s.rollingDeploy(v2, "v3", pool, lifetime, T0 + 110 * MIN, (2 + r.nextInt(4)) * MIN, end);
        }
      }
      s.idleNoise(fleet, 2, T0, end);
      List<IncidentCandidate> out = replay(s.records(), end);
      if (out.stream().anyMatch(c -> c.getSeverity() != Severity.INFO)) {
        misses.add("negative draw " + i + " (kind " + i % 4 + ", fleet " + fleetSize + "): " + out);
      }
    }
    assertThat(misses).isEmpty();
  }

  private List<IncidentCandidate> replay(List<SpecificRecord> records, long end) {
    try (OfflinePipeline p = new OfflinePipeline(ForeshockSettings.defaults(),
        Clock.fixed(Instant.ofEpochMilli(end + 60 * MIN), ZoneOffset.UTC), BASE, stateDir)) {
      records.forEach(p::pipe);
      return p.drainCandidates();
    }
  }
}

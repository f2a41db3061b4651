package dev.foreshock.correlate;

import static dev.foreshock.avro.CandidateType.CONNECTION_FAILURES;
import static dev.foreshock.avro.CandidateType.ERROR_RATE_SPIKE;
import static dev.foreshock.avro.CandidateType.INCIDENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.score.Labels;
import dev.foreshock.simulate.SideBySide;
import dev.foreshock.simulate.SimulatedScenario;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The demo's replay (the four seed incidents and the quiet baseline side by side, seed 7, all
 * ending together, merged by event time as {@code foreshock demo} produces them) through the real
 * topology. The TopologyTestDriver runs the whole topology as one task with one stream time, so it
 * cannot show what broke the live demo: detector tasks advancing at different speeds and their
 * signals reaching correlation out of event-time order. That is replayed signal by signal in
 * {@code IncidentGroupingTest#shouldGroupARelatedCandidateThatArrivesAfterTheResourceEpisodeEndedHere}.
 */
class SideBySideReplayTest {

  private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
  private static final long SEED = 7;

  @TempDir Path stateDir;

  @Test
  void shouldOpenTheIncidentOfEverySeedWithOnlyItsOwnCandidatesWhenReplayedSideBySide() {
    List<SimulatedScenario> timeline = SideBySide.endingAt(SideBySide.DEMO, SEED, NOW.minus(Duration.ofDays(1)));
    List<SpecificRecord> records = SideBySide.merge(timeline);
    List<IncidentCandidate> out;
    try (OfflinePipeline pipeline = new OfflinePipeline(ForeshockSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC),
        NOW, stateDir)) {
      records.forEach(pipeline::pipe);
      out = pipeline.drainCandidates();
    }
    Map<String, IncidentCandidate> byId = new HashMap<>();
    out.forEach(c -> byId.putIfAbsent(c.getId(), c));
    out.stream().filter(c -> c.getType() == INCIDENT && c.getStatus() == CandidateStatus.OPEN)
        .forEach(c -> LoggerFactory.getLogger(SideBySideReplayTest.class).info("INCIDENT {} {} at {} members {} cause {}",
            c.getSubject(), c.getSeverity(), Instant.ofEpochMilli(c.getTs()),
            last(out, c.getId()).getRelated(), c.getProbableCauses().isEmpty() ? "-" : c.getProbableCauses().get(0)));

    // seed 002: one INCIDENT on the database, with both APIs, caused by the maintenance
    Labels poolStall = labels(timeline, "pool-stall");
    long errorsStart = poolStall.expect().stream().filter(e -> e.type() == ERROR_RATE_SPIKE)
        .mapToLong(Labels.Expectation::notBefore).min().orElseThrow();
    List<IncidentCandidate> orders = out.stream()
        .filter(c -> c.getType() == INCIDENT && c.getSubject().equals("postgres-orders")).toList();
    assertThat(orders).as("INCIDENT records on postgres-orders").isNotEmpty();
    assertThat(orders).extracting(IncidentCandidate::getId).containsOnly(orders.get(0).getId());
    IncidentCandidate opened = orders.get(0);
    assertThat(opened.getStatus()).isEqualTo(CandidateStatus.OPEN);
    assertThat(opened.getTs()).isLessThanOrEqualTo(errorsStart + Duration.ofMinutes(5).toMillis());
    assertThat(opened.getProbableCauses().get(0)).contains(" MAINTENANCE postgres-orders: ");
    IncidentCandidate lastOrders = orders.get(orders.size() - 1);
    assertThat(lastOrders.getRelated().stream().map(byId::get).map(c -> c.getType() + " " + c.getSubject()))
        .contains(CONNECTION_FAILURES + " postgres-orders", ERROR_RATE_SPIKE + " core-api",
            ERROR_RATE_SPIKE + " dashboard-api");

    // every seed that expects an INCIDENT gets it in time
    for (SimulatedScenario s : timeline) {
      for (Labels.Expectation e : s.labels().expect()) {
        if (e.type() == INCIDENT) {
          assertThat(out).as("%s: INCIDENT on %s", s.name(), e.subject())
              .anyMatch(c -> c.getType() == INCIDENT && c.getSubject().equals(e.subject())
                  && c.getStatus() != CandidateStatus.RESOLVED && c.getTs() >= e.notBefore() && c.getTs() <= e.deadline()
                  && c.getSeverity().compareTo(e.minSeverity()) >= 0);
        }
      }
    }
    // no incident the labels do not allow, and nothing folded into one that its scenario does not cover
    for (IncidentCandidate incident : out.stream().filter(c -> c.getType() == INCIDENT).toList()) {
      SimulatedScenario owner = timeline.stream().filter(s -> s.labels().covers(INCIDENT, incident.getSubject()))
          .findFirst().orElseThrow(() -> new AssertionError("an INCIDENT on " + incident.getSubject()
              + " that no scenario expects or allows: " + incident.getSummary()));
      for (String member : incident.getRelated()) {
        IncidentCandidate m = byId.get(member);
        if (m != null && m.getType() != INCIDENT) {
          assertThat(owner.labels().covers(m.getType(), m.getSubject()))
              .as("%s %s folded into the %s INCIDENT on %s", m.getType(), m.getSubject(), owner.name(),
                  incident.getSubject())
              .isTrue();
        }
      }
    }
  }

  private static Labels labels(List<SimulatedScenario> timeline, String name) {
    return timeline.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().labels();
  }

  private static IncidentCandidate last(List<IncidentCandidate> out, String id) {
    return out.stream().filter(c -> c.getId().equals(id)).reduce((a, b) -> b).orElseThrow();
  }
}

package dev.foreshock.score;

import static dev.foreshock.avro.CandidateStatus.OPEN;
import static dev.foreshock.avro.CandidateStatus.RESOLVED;
import static dev.foreshock.avro.CandidateStatus.UPDATED;
import static dev.foreshock.avro.CandidateType.CONNECTION_BURST;
import static dev.foreshock.avro.CandidateType.ERROR_RATE_SPIKE;
import static dev.foreshock.avro.CandidateType.INCIDENT;
import static dev.foreshock.avro.CandidateType.MEMORY_GROWTH;
import static dev.foreshock.avro.CandidateType.MEMORY_RAPID_RISE;
import static dev.foreshock.avro.CandidateType.TELEMETRY_GAP;
import static dev.foreshock.avro.Severity.CRITICAL;
import static dev.foreshock.avro.Severity.INFO;
import static dev.foreshock.avro.Severity.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.Severity;
import dev.foreshock.score.Scorecard.FileScore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorecardTest {

  private static final long T0 = Instant.parse("2025-08-29T07:50:00Z").toEpochMilli();
  private static final long MIN = 60_000;
  private static final Labels.Quiet QUIET = new Labels.Quiet(T0 - 60 * MIN, T0 + 60 * MIN, INFO);

  @Test
  void shouldMeetExpectationWithFirstCandidateInWindowAndMeasureDelay() {
    Labels labels = labels(List.of(expect(MEMORY_RAPID_RISE, "redis-queue", T0, T0 + 2 * MIN, CRITICAL)), List.of());

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("a", MEMORY_RAPID_RISE, "redis-queue", CRITICAL, OPEN, T0 + 70_000),
        candidate("b", MEMORY_RAPID_RISE, "redis-queue", CRITICAL, OPEN, T0 + 30_000)));

    assertThat(score.met()).isEqualTo(1);
    assertThat(score.missed()).isZero();
    assertThat(score.expectations().get(0).candidateId()).isEqualTo("b");
    assertThat(score.expectations().get(0).delayMs()).isEqualTo(30_000);
    assertThat(score.medianDelayMs()).isEqualTo(30_000);
    assertThat(score.worstDelayMs()).isEqualTo(30_000);
  }

  @Test
  void shouldMissExpectationWhenNoCandidateOfTypeAndSubject() {
    Labels labels = labels(List.of(expect(MEMORY_RAPID_RISE, "redis-queue", T0, T0 + 2 * MIN, CRITICAL)), List.of());

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("a", MEMORY_RAPID_RISE, "redis-cache", CRITICAL, OPEN, T0 + 10_000),
        candidate("b", MEMORY_GROWTH, "redis-queue", CRITICAL, OPEN, T0 + 10_000)));

    assertThat(score.met()).isZero();
    assertThat(score.missed()).isEqualTo(1);
    assertThat(score.expectations().get(0).why()).isEqualTo("no MEMORY_RAPID_RISE candidate on redis-queue");
    assertThat(score.medianDelayMs()).isNull();
  }

  @Test
  void shouldMissExpectationWhenCandidateComesAfterDeadline() {
    Labels labels = labels(List.of(expect(ERROR_RATE_SPIKE, "search-api", T0, T0 + 2 * MIN, WARNING)), List.of());

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("a", ERROR_RATE_SPIKE, "search-api", CRITICAL, OPEN, T0 + 2 * MIN + 1)));

    assertThat(score.met()).isZero();
    assertThat(score.expectations().get(0).why()).startsWith("late: first CRITICAL at +2m00s");
  }

  @Test
  void shouldMeetExpectationWhenCandidateIsExactlyAtDeadlineOrNotBefore() {
    Labels labels = labels(List.of(
        expect(ERROR_RATE_SPIKE, "search-api", T0, T0 + 2 * MIN, WARNING),
        expect(ERROR_RATE_SPIKE, "chat-api", T0, T0 + 2 * MIN, WARNING)), List.of());

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("a", ERROR_RATE_SPIKE, "search-api", WARNING, OPEN, T0 + 2 * MIN),
        candidate("b", ERROR_RATE_SPIKE, "chat-api", WARNING, OPEN, T0)));

    assertThat(score.met()).isEqualTo(2);
    assertThat(score.delays()).containsExactly(0L, 2 * MIN);
    assertThat(score.medianDelayMs()).isEqualTo(MIN);
    assertThat(score.worstDelayMs()).isEqualTo(2 * MIN);
  }

  @Test
  void shouldMissExpectationWhenCandidateIsBeforeNotBefore() {
    Labels labels = labels(List.of(expect(CONNECTION_BURST, "postgres-main", T0, T0 + MIN, WARNING)), List.of());

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("a", CONNECTION_BURST, "postgres-main", WARNING, OPEN, T0 - 1)));

    assertThat(score.met()).isZero();
    assertThat(score.expectations().get(0).why()).startsWith("only before notBefore");
  }

  @Test
  void shouldMissExpectationWhenSeverityIsBelowMinimumAndMeetItWhenUpdatedAboveIt() {
    Labels labels = labels(List.of(expect(MEMORY_RAPID_RISE, "redis-queue", T0, T0 + 2 * MIN, CRITICAL)), List.of());
    IncidentCandidate warning = candidate("a", MEMORY_RAPID_RISE, "redis-queue", WARNING, OPEN, T0 + 20_000);

    FileScore weak = Scorecard.score("f", labels, List.of(warning));
    FileScore updated = Scorecard.score("f", labels, List.of(warning,
        candidate("a", MEMORY_RAPID_RISE, "redis-queue", CRITICAL, UPDATED, T0 + 50_000)));

    assertThat(weak.met()).isZero();
    assertThat(weak.expectations().get(0).why()).isEqualTo("only WARNING in time (at +20s), below CRITICAL");
    assertThat(updated.met()).isEqualTo(1);
    assertThat(updated.expectations().get(0).delayMs()).isEqualTo(50_000);
    assertThat(updated.expectations().get(0).severity()).isEqualTo(CRITICAL);
  }

  @Test
  void shouldMeetExpectationWhenSeverityIsExactlyTheMinimum() {
    Labels labels = labels(List.of(expect(TELEMETRY_GAP, "visitor-log", T0, T0 + 10 * MIN, WARNING)), List.of());

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("a", TELEMETRY_GAP, "visitor-log", WARNING, OPEN, T0 + 4 * MIN)));

    assertThat(score.met()).isEqualTo(1);
  }

  @Test
  void shouldNotMeetExpectationWithResolvedCandidate() {
    Labels labels = labels(List.of(expect(ERROR_RATE_SPIKE, "core-api", T0, T0 + 2 * MIN, WARNING)), List.of());

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("a", ERROR_RATE_SPIKE, "core-api", CRITICAL, RESOLVED, T0 + 30_000)));

    assertThat(score.met()).isZero();
  }

  @Test
  void shouldReportLeadTimeBeforeExhaustionForGrowth() {
    long exhausts = T0 + 20L * 24 * 60 * MIN;
    Labels labels = labels(List.of(
        new Labels.Expectation(MEMORY_GROWTH, "redis-queue", T0, T0 + 48 * 60 * MIN, WARNING, exhausts, null),
        new Labels.Expectation(MEMORY_GROWTH, "redis-queue", T0, exhausts - 48 * 60 * MIN, CRITICAL, exhausts, null)),
        List.of());

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("g", MEMORY_GROWTH, "redis-queue", WARNING, OPEN, T0 + 30 * 60 * MIN),
        candidate("g", MEMORY_GROWTH, "redis-queue", CRITICAL, UPDATED, exhausts - 70 * 60 * MIN)));

    assertThat(score.met()).isEqualTo(2);
    assertThat(score.leadTimes()).containsExactly(70 * 60 * MIN, exhausts - T0 - 30 * 60 * MIN);
    assertThat(score.minLeadTimeMs()).isEqualTo(70 * 60 * MIN);
  }

  @Test
  void shouldCountFalseAlarmInsideQuietStretchOncePerEpisode() {
    Labels labels = labels(List.of(), List.of());

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("x", CONNECTION_BURST, "postgres-main", WARNING, OPEN, T0),
        candidate("x", CONNECTION_BURST, "postgres-main", CRITICAL, UPDATED, T0 + MIN),
        candidate("x", CONNECTION_BURST, "postgres-main", CRITICAL, RESOLVED, T0 + 2 * MIN),
        candidate("y", ERROR_RATE_SPIKE, "billing-api", CRITICAL, OPEN, QUIET.to())));

    assertThat(score.falseAlarms()).extracting(Scorecard.FalseAlarm::id).containsExactly("x", "y");
    assertThat(score.falseAlarms().get(0).severity()).isEqualTo(WARNING);
  }

  @Test
  void shouldNotCountCandidateOutsideQuietStretch() {
    Labels labels = labels(List.of(), List.of());

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("x", CONNECTION_BURST, "postgres-main", CRITICAL, OPEN, QUIET.from() - 1),
        candidate("y", CONNECTION_BURST, "postgres-main", CRITICAL, OPEN, QUIET.to() + 1)));

    assertThat(score.falseAlarms()).isEmpty();
  }

  @Test
  void shouldNotCountCandidateAtExactlyQuietMaxSeverityButCountOneAbove() {
    Labels warningQuiet = new Labels(null, null, Map.of(), List.of(), List.of(),
        new Labels.Quiet(QUIET.from(), QUIET.to(), WARNING));

    FileScore score = Scorecard.score("f", warningQuiet, List.of(
        candidate("x", MEMORY_GROWTH, "session-cache", WARNING, OPEN, T0),
        candidate("y", MEMORY_GROWTH, "jobs-queue", CRITICAL, OPEN, T0)));

    assertThat(score.falseAlarms()).extracting(Scorecard.FalseAlarm::id).containsExactly("y");
  }

  @Test
  void shouldNotCountInfoCandidateAsFalseAlarm() {
    FileScore score = Scorecard.score("f", labels(List.of(), List.of()), List.of(
        candidate("x", MEMORY_GROWTH, "session-cache", INFO, OPEN, T0)));

    assertThat(score.falseAlarms()).isEmpty();
  }

  @Test
  void shouldNotCountAllowedOrExpectedTypeAndSubjectAsFalseAlarm() {
    Labels labels = labels(List.of(expect(MEMORY_RAPID_RISE, "redis-queue", T0, T0 + 2 * MIN, CRITICAL)),
        List.of(new Labels.Allowed(INCIDENT, "redis-queue", "side effect")));

    FileScore score = Scorecard.score("f", labels, List.of(
        candidate("early", MEMORY_RAPID_RISE, "redis-queue", CRITICAL, OPEN, T0 - 30 * MIN),
        candidate("inc", INCIDENT, "redis-queue", CRITICAL, OPEN, T0 + 3 * MIN),
        candidate("other", INCIDENT, "search-api", CRITICAL, OPEN, T0 + 3 * MIN)));

    assertThat(score.falseAlarms()).extracting(Scorecard.FalseAlarm::id).containsExactly("other");
    assertThat(score.met()).isZero();
  }

  @Test
  void shouldAddUpFilesInTotal() {
    Labels a = labels(List.of(expect(ERROR_RATE_SPIKE, "core-api", T0, T0 + 2 * MIN, WARNING)), List.of());
    Labels b = labels(List.of(
        expect(ERROR_RATE_SPIKE, "core-api", T0, T0 + 2 * MIN, WARNING),
        expect(INCIDENT, "postgres-orders", T0, T0 + 5 * MIN, WARNING)), List.of());
    FileScore first = Scorecard.score("a", a, List.of(candidate("1", ERROR_RATE_SPIKE, "core-api", WARNING, OPEN,
        T0 + 10_000)));
    FileScore second = Scorecard.score("b", b, List.of(
        candidate("2", ERROR_RATE_SPIKE, "core-api", WARNING, OPEN, T0 + 90_000),
        candidate("3", INCIDENT, "postgres-orders", WARNING, OPEN, T0 + 4 * MIN),
        candidate("4", TELEMETRY_GAP, "core-7", WARNING, OPEN, T0)));

    FileScore total = Scorecard.total(List.of(first, second));

    assertThat(total.met()).isEqualTo(3);
    assertThat(total.missed()).isZero();
    assertThat(total.falseAlarms()).hasSize(1);
    assertThat(total.medianDelayMs()).isEqualTo(90_000);
    assertThat(total.worstDelayMs()).isEqualTo(4 * MIN);
  }

  @Test
  void shouldPrintTableAndJsonWithMissesAndFalseAlarms() {
    Labels labels = labels(List.of(expect(ERROR_RATE_SPIKE, "core-api", T0, T0 + 2 * MIN, WARNING)), List.of());
    FileScore score = Scorecard.score("pool-stall.jsonl", labels, List.of(
        candidate("4", TELEMETRY_GAP, "core-7", WARNING, OPEN, T0)));

    String text = ScorecardPrinter.text(List.of(score));
    String json = ScorecardPrinter.json(List.of(score));

    assertThat(text.lines()).anySatisfy(l -> assertThat(l).startsWith("pool-stall.jsonl").contains("0/1"));
    assertThat(text.lines()).anySatisfy(l -> assertThat(l).startsWith("total").contains("0/1"));
    assertThat(text)
        .contains("MISSED  ERROR_RATE_SPIKE core-api").contains("FALSE ALARM TELEMETRY_GAP core-7 WARNING");
    assertThat(json).contains("\"met\":0").contains("\"missed\":1").contains("\"falseAlarms\":1")
        .contains("\"why\":\"no ERROR_RATE_SPIKE candidate on core-api\"");
  }

  private static Labels labels(List<Labels.Expectation> expect, List<Labels.Allowed> allow) {
    return new Labels(null, null, Map.of(), expect, allow, QUIET);
  }

  private static Labels.Expectation expect(CandidateType type, String subject, long notBefore, long deadline,
      Severity min) {
    return new Labels.Expectation(type, subject, notBefore, deadline, min, null, null);
  }

  private static IncidentCandidate candidate(String id, CandidateType type, String subject, Severity severity,
      CandidateStatus status, long ts) {
    return IncidentCandidate.newBuilder().setId(id).setType(type).setSeverity(severity).setStatus(status)
        .setSubject(subject).setTs(ts).setWindowStart(ts - MIN).setWindowEnd(ts).setSummary(type + " on " + subject)
        .setEvidence(Map.of()).setRelated(List.of()).setProbableCauses(List.of()).build();
  }
}

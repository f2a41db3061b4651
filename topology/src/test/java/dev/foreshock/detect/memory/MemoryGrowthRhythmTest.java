package dev.foreshock.detect.memory;

import static dev.foreshock.detect.memory.MemoryScenario.GB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.Severity;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.score.Labels;
import dev.foreshock.simulate.Scenarios;
import dev.foreshock.simulate.SimulatedScenario;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Growth under a daily rhythm with quieter weekends, through the real topology: the scenario
 * generator's daily rhythm and slow leak (the seeds that once raised a false alarm or warned late),
 * and scenarios of our own with other limits, rates, noise and sampling intervals.
 */
class MemoryGrowthRhythmTest {

  private static final double HOUR_MS = 3_600_000.0;
  private static final double DAY = 86_400;

  @TempDir Path stateDir;

  private OfflinePipeline pipeline(long startMs, long endMs) {
    return new OfflinePipeline(ForeshockSettings.defaults(), Clock.fixed(Instant.ofEpochMilli(endMs).plus(
        Duration.ofHours(1)), ZoneOffset.UTC), Instant.ofEpochMilli(startMs), stateDir);
  }

  /** Pipes the scenario's memory samples (in file order) and returns the candidates. */
  private List<IncidentCandidate> runMemory(SimulatedScenario s) {
    try (OfflinePipeline pipeline = pipeline(s.startMs(), s.endMs())) {
      s.records().stream().filter(MemorySample.class::isInstance).map(MemorySample.class::cast)
          .forEach(pipeline::pipe);
      return pipeline.drainCandidates();
    }
  }

  private List<IncidentCandidate> run(MemoryScenario scenario) {
    long start = scenario.start.toEpochMilli();
    try (OfflinePipeline pipeline = pipeline(start, scenario.start.plus(scenario.length).toEpochMilli())) {
      scenario.samples().forEach(pipeline::pipe);
      return pipeline.drainCandidates();
    }
  }

  private static List<IncidentCandidate> alarms(List<IncidentCandidate> all, String subject) {
    return all.stream().filter(c -> c.getStatus() != CandidateStatus.RESOLVED)
        .filter(c -> c.getType() == CandidateType.MEMORY_GROWTH || c.getType() == CandidateType.MEMORY_RAPID_RISE)
        .filter(c -> subject == null || c.getSubject().equals(subject))
        .filter(c -> c.getSeverity() == Severity.WARNING || c.getSeverity() == Severity.CRITICAL).toList();
  }

  @ParameterizedTest(name = "daily-rhythm seed {0}")
  @ValueSource(longs = {2, 3, 5})
  void shouldStayQuietWhenGeneratedDailyRhythmIsLowerAtWeekends(long seed) {
    SimulatedScenario s = Scenarios.generate("daily-rhythm", seed);

    assertThat(alarms(runMemory(s), null)).isEmpty();
  }

  // seeds drawn with limits of 2-8 GB, 17-22 days to exhaustion, noise 0.3-0.8% and sampling 40-60 s
  @ParameterizedTest(name = "slow-leak seed {0}")
  @ValueSource(longs = {2, 3, 4, 7, 12})
  void shouldWarnWithinTwoDaysAndGoCriticalTwoDaysAheadWhenGeneratedLeakFollowsDaytimeTraffic(long seed) {
    SimulatedScenario s = Scenarios.generate("slow-leak", seed);
    Labels.Expectation warning = s.labels().expect().stream()
        .filter(e -> e.type() == CandidateType.MEMORY_GROWTH && e.minSeverity() == Severity.WARNING)
        .findFirst().orElseThrow();
    long onset = warning.notBefore();
    long exhaustsAt = warning.exhaustsAt();

    List<IncidentCandidate> growth = alarms(runMemory(s), "redis-jobs");

    assertThat(growth).isNotEmpty();
    IncidentCandidate first = growth.get(0);
    assertThat(first.getType()).isEqualTo(CandidateType.MEMORY_GROWTH);
    assertThat(first.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(first.getTs() - onset).isBetween(0L, 48 * 3_600_000L);
    assertThat(first.getEvidence().get("onsetTs")).isCloseTo((double) onset, within(24 * HOUR_MS));
    IncidentCandidate critical = growth.stream().filter(c -> c.getSeverity() == Severity.CRITICAL).findFirst()
        .orElseThrow();
    assertThat(exhaustsAt - critical.getTs()).isGreaterThanOrEqualTo(48 * 3_600_000L);
    // once the leak has run for three days and while exhaustion is more than three days away,
    // every projection is within 20% (the same time of the week before gives the coming days'
    // growth, weekends included; the peaks are the sawtooth's top, not the noise's)
    List<Double> errors = growth.stream()
        .filter(c -> c.getTs() >= onset + 72 * HOUR_MS && c.getTs() <= exhaustsAt - 72 * HOUR_MS)
        .map(c -> (c.getEvidence().get("secondsToExhaustion") * 1000 - (exhaustsAt - c.getTs()))
            / (exhaustsAt - c.getTs()))
        .toList();
    assertThat(errors).hasSizeGreaterThanOrEqualTo(3);
    assertThat(errors).allSatisfy(e -> assertThat(e).isBetween(-0.2, 0.2));
  }

  @Test
  void shouldStayQuietForTwoWeeksWhenWeekdayRhythmReturnsToTheSameNightlyTrough() {
    MemoryScenario sessions = new MemoryScenario("redis-carts", 2 * GB, 41, Instant.parse("2025-03-06T00:00:00Z"));
    sessions.length = Duration.ofDays(14);
    sessions.interval = Duration.ofSeconds(20);
    sessions.base = 0.6 * GB;
    sessions.noise = 0.012 * GB;
    sessions.dailyRise = 0.7 * GB;
    sessions.peakHourUtc = 16.5;
    sessions.weekendFactor = 0.45;

    assertThat(alarms(run(sessions), null)).isEmpty();
  }

  @Test
  void shouldStayQuietWhenStepUpUnderDailyRhythmThenStaysFlat() {
    MemoryScenario index = new MemoryScenario("search-index", 12 * GB, 43, Instant.parse("2025-06-02T00:00:00Z"));
    index.length = Duration.ofDays(9);
    index.interval = Duration.ofSeconds(45);
    index.base = 4 * GB;
    index.noise = 0.06 * GB;
    index.dailyRise = 1.5 * GB;
    index.peakHourUtc = 11;
    index.weekendFactor = 0.7;
    index.step = 2 * GB;
    index.stepAt = index.start.plus(Duration.ofDays(4)).plus(Duration.ofHours(9));

    assertThat(alarms(run(index), null)).isEmpty();
  }

  @Test
  void shouldWarnWithinTwoDaysWhenLeakGrowsOnlyWithDaytimeTrafficUnderWeekendRhythm() {
    MemoryScenario queue = new MemoryScenario("redis-exports", 12 * GB, 47, Instant.parse("2025-09-03T00:00:00Z"));
    queue.length = Duration.ofDays(13);
    queue.interval = Duration.ofMinutes(5);
    queue.base = 2.5 * GB;
    queue.noise = 0.08 * GB;
    queue.sawAmplitude = 0.6 * GB;
    queue.sawPeriod = Duration.ofMinutes(25);
    queue.dailyRise = 1.2 * GB;
    queue.peakHourUtc = 9;
    queue.weekendFactor = 0.5;
    queue.leakOnset = queue.start.plus(Duration.ofDays(3)).plus(Duration.ofHours(15));
    queue.leakWithTraffic = true;
    queue.leakPerSecond = 0.9 * GB / DAY;
    List<MemorySample> samples = queue.samples();
    assertThat(queue.exhaustedAt).as("the leak fills the queue within the scenario").isNotNull();

    List<IncidentCandidate> growth = alarms(run(queue), "redis-exports");

    assertThat(growth).isNotEmpty();
    IncidentCandidate first = growth.get(0);
    assertThat(first.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(Instant.ofEpochMilli(first.getTs())).isAfter(queue.leakOnset)
        .isBefore(queue.leakOnset.plus(Duration.ofHours(48)));
    assertThat(first.getEvidence().get("horizonSeconds")).isEqualTo(7 * DAY);
    IncidentCandidate critical = growth.stream().filter(c -> c.getSeverity() == Severity.CRITICAL).findFirst()
        .orElseThrow();
    double trueSecondsLeft = (queue.exhaustedAt.toEpochMilli() - critical.getTs()) / 1000.0;
    assertThat(trueSecondsLeft).isGreaterThanOrEqualTo(48 * 3600);
    assertThat(critical.getEvidence().get("secondsToExhaustion")).isCloseTo(trueSecondsLeft,
        within(0.2 * trueSecondsLeft));
    assertThat(critical.getEvidence().get("slopeBytesPerSecond"))
        .isCloseTo(queue.leakPerSecond, within(0.2 * queue.leakPerSecond));
  }
}

package dev.foreshock.detect.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.foreshock.avro.Severity;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.json.JsonSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpikeTrackerTest {

  private static final long W = 30_000;
  private final ErrorRateSettings settings = ErrorRateSettings.from(SettingsSource.of(Map.of(
      "errors.baseline-windows", "20", "errors.min-baseline-windows", "5", "errors.clear-windows", "3")));
  private final SpikeTracker tracker = SpikeTracker.fresh(settings, new SpikeRule(settings));
  private long next;

  private CandidateSignal window(long requests, long errors) {
    ErrorWindow w = ErrorWindow.open(next, next + W, requests, errors);
    next += W;
    return tracker.judge("search-api", w, next + 15_000);
  }

  @Test
  void shouldNotJudgeBeforeBaselineIsLearned() {
    for (int i = 0; i < 4; i++) {
      assertThat(window(1_000, 5)).isNull();
      assertThat(tracker.baseline()).isNull();
    }
    assertThat(window(1_000, 900)).isNull();
    assertThat(tracker.baseline()).isCloseTo(0.005, within(1e-12));
  }

  @Test
  void shouldFireOnceAndKeepBaselineUnpoisonedWhileSpiking() {
    Random random = new Random(8);
    for (int i = 0; i < 10; i++) {
      assertThat(window(1_000, 8 + random.nextInt(5))).isNull();
    }
    double before = tracker.baseline();

    CandidateSignal first = window(1_000, 150);
    assertThat(first.severity()).isEqualTo(Severity.WARNING);
    assertThat(first.onsetTs()).isEqualTo(10 * W);
    assertThat(first.evidence()).containsOnlyKeys("errorRatio", "baselineRatio", "requests", "errors");
    assertThat(first.evidence().get("errorRatio")).isEqualTo(0.15);
    assertThat(first.evidence().get("baselineRatio")).isEqualTo(before);
    assertThat(first.windowStart()).isEqualTo(10 * W);
    assertThat(first.windowEnd()).isEqualTo(11 * W);
    assertThat(window(1_000, 160)).as("same severity: no new signal").isNull();
    CandidateSignal worse = window(1_000, 400);
    assertThat(worse.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(worse.onsetTs()).isEqualTo(10 * W);
    List<CandidateSignal> resent = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      CandidateSignal again = window(1_000, 380 + random.nextInt(40));
      if (again != null) {
        resent.add(again);
      }
    }
    // 15 minutes of spiking: one re-send after errors.resend-every (10 min), same episode
    assertThat(resent).hasSize(1);
    assertThat(resent.get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(resent.get(0).onsetTs()).isEqualTo(10 * W);
    assertThat(resent.get(0).ts() - worse.ts()).isEqualTo(20 * W);
    assertThat(tracker.baseline()).isEqualTo(before);
  }

  @Test
  void shouldClearAfterCalmWindowsButNotOnQuietOnes() {
    for (int i = 0; i < 6; i++) {
      window(2_000, 20);
    }
    assertThat(window(2_000, 600).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(window(2_000, 22)).isNull();
    assertThat(window(2_000, 18)).isNull();
    assertThat(window(50, 0)).as("too few requests: neither calm nor spiking").isNull();
    assertThat(window(2_000, 200)).as("elevated: calm count starts over").isNull();
    assertThat(window(2_000, 22)).isNull();
    assertThat(window(2_000, 21)).isNull();
    CandidateSignal cleared = window(2_000, 19);
    assertThat(cleared.isActive()).isFalse();
    assertThat(cleared.subject()).isEqualTo("search-api");
    assertThat(tracker.inSpike()).isFalse();
  }

  @Test
  void shouldDowngradeWhenLowerSeverityHolds() {
    for (int i = 0; i < 6; i++) {
      window(2_000, 20);
    }
    assertThat(window(2_000, 800).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(window(2_000, 200)).isNull();
    assertThat(window(2_000, 210)).isNull();
    CandidateSignal lower = window(2_000, 190);
    assertThat(lower.severity()).isEqualTo(Severity.WARNING);
    assertThat(lower.evidence().get("errors")).isEqualTo(190.0);
  }

  @Test
  void shouldRestoreBaselineAndEpisodeFromStoredJson() {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      window(1_000, i);
      ratios.add(i / 1_000.0);
    }
    window(1_000, 500);
    JsonSerde<ErrorBaseline> serde = new JsonSerde<>(ErrorBaseline.class);
    ErrorBaseline stored = serde.deserializer().deserialize("t",
        serde.serializer().serialize("t", tracker.snapshot("search-api")));

    assertThat(stored.history()).hasSize(20).startsWith(0.005).endsWith(0.024);
    assertThat(stored.baselineRatio()).isCloseTo(0.0145, within(1e-12));
    assertThat(stored.severity()).isEqualTo(Severity.CRITICAL);
    SpikeTracker restored = SpikeTracker.restore(stored, settings, new SpikeRule(settings));
    assertThat(restored.baseline()).isEqualTo(tracker.baseline());
    assertThat(restored.inSpike()).isTrue();
    assertThat(restored.snapshot("search-api")).usingRecursiveComparison().isEqualTo(stored);
  }

  @Test
  void shouldKeepBaselineAtMedianOfLastCalmWindowsAsHistoryRolls() {
    Random random = new Random(21);
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < 75; i++) {
      int errors = 3 + random.nextInt(9); // calm: 0.3 % to 1.1 %, often repeated
      assertThat(window(1_000, errors)).isNull();
      ratios.add(errors / 1_000.0);
      if (ratios.size() >= 5) {
        List<Double> last = new ArrayList<>(ratios.subList(Math.max(0, ratios.size() - 20), ratios.size()));
        last.sort(null);
        int n = last.size();
        double median = n % 2 == 1 ? last.get(n / 2) : (last.get(n / 2 - 1) + last.get(n / 2)) / 2;
        assertThat(tracker.baseline()).as("after window %d", i).isEqualTo(median);
      }
    }
  }
}

package dev.foreshock.detect.connections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.detect.connections.PeriodEstimator.PeriodEstimate;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PeriodEstimatorTest {

  private static final long MIN = 60_000;
  private static final long T0 = 1_758_070_800_000L;

  private final PeriodEstimator estimator = new PeriodEstimator(3, 0.05, 10_000, MIN, 120 * MIN);

  @Test
  void shouldFindTheExactPeriodOfRegularBursts() {
    PeriodEstimate e = estimator.estimate(times(0, 15, 30, 45)).orElseThrow();
    assertThat(e.periodMs()).isEqualTo(15 * MIN);
    assertThat(e.bursts()).isEqualTo(4);
    assertThat(e.missed()).isZero();
    assertThat(e.burstIndices()).containsExactly(0, 1, 2, 3);
  }

  @Test
  void shouldNeedThreeBursts() {
    assertThat(estimator.estimate(new long[0])).isEmpty();
    assertThat(estimator.estimate(times(0))).isEmpty();
    assertThat(estimator.estimate(times(0, 15))).isEmpty();
    assertThat(estimator.estimate(times(0, 15, 30))).map(PeriodEstimate::periodMs).contains(15 * MIN);
  }

  @Test
  void shouldToleratePeriodJitterOfSeconds() {
    for (long seed = 1; seed <= 20; seed++) {
      Random rnd = new Random(seed);
      long period = (10 + rnd.nextInt(21)) * MIN;
      long[] t = new long[3 + rnd.nextInt(6)];
      for (int i = 0; i < t.length; i++) {
        t[i] = T0 + i * period + rnd.nextInt(10_001) - 5_000;
      }
      PeriodEstimate e = estimator.estimate(t).orElseThrow();
      assertThat(e.bursts()).as("seed %d", seed).isEqualTo(t.length);
      assertThat((double) e.periodMs()).as("seed %d", seed).isBetween(period * 0.98, period * 1.02);
      assertThat(e.jitterMs()).isLessThan(6_000);
    }
  }

  @Test
  void shouldBridgeOneMissingBurst() {
    PeriodEstimate e = estimator.estimate(times(0, 15, 45, 60)).orElseThrow();
    assertThat(e.periodMs()).isEqualTo(15 * MIN);
    assertThat(e.bursts()).isEqualTo(4);
    assertThat(e.missed()).isEqualTo(1);
  }

  @Test
  void shouldBridgeAMissingBurstUnderJitter() {
    long[] t = {T0, T0 + 15 * MIN + 3_000, T0 + 45 * MIN - 4_000, T0 + 60 * MIN + 2_000, T0 + 75 * MIN - 1_000};
    PeriodEstimate e = estimator.estimate(t).orElseThrow();
    assertThat((double) e.periodMs()).isBetween(14.8 * MIN, 15.2 * MIN);
    assertThat(e.bursts()).isEqualTo(5);
    assertThat(e.missed()).isEqualTo(1);
  }

  @Test
  void shouldNotTakeHalfOrDoubleThePeriod() {
    PeriodEstimate e = estimator.estimate(times(0, 20, 40, 60, 80, 100)).orElseThrow();
    assertThat(e.periodMs()).isEqualTo(20 * MIN);
    assertThat(e.bursts()).isEqualTo(6);
  }

  @Test
  void shouldSkipAStrayBurstBetweenRegularOnes() {
    PeriodEstimate e = estimator.estimate(times(0, 15, 22, 30, 45)).orElseThrow();
    assertThat(e.periodMs()).isEqualTo(15 * MIN);
    assertThat(e.bursts()).isEqualTo(4);
    assertThat(e.burstIndices()).containsExactly(0, 1, 3, 4);
  }

  @Test
  void shouldKeepThePeriodWhenTheLatestBurstIsAStray() {
    PeriodEstimate e = estimator.estimate(times(0, 15, 30, 45, 52)).orElseThrow();
    assertThat(e.periodMs()).isEqualTo(15 * MIN);
    assertThat(e.burstIndices()).containsExactly(0, 1, 2, 3);
  }

  @Test
  void shouldPickTheStrongerOfTwoInterleavedPeriods() {
    long[] tenMinutes = LongStream.rangeClosed(0, 9).map(i -> i * 10).toArray();
    long[] fifteenMinutes = {3, 18, 33, 48};
    long[] merged = LongStream.concat(Arrays.stream(tenMinutes), Arrays.stream(fifteenMinutes)).sorted().toArray();
    PeriodEstimate e = estimator.estimate(times(merged)).orElseThrow();
    assertThat(e.periodMs()).isEqualTo(10 * MIN);
    assertThat(e.bursts()).isEqualTo(10);
    assertThat(e.missed()).isZero();
  }

  @Test
  void shouldFindTheFifteenMinuteSeriesWhenItDominatesAnInterleavedTen() {
    long[] merged = times(0, 7, 15, 17, 30, 45, 60, 75, 90);
    PeriodEstimate e = estimator.estimate(merged).orElseThrow();
    assertThat(e.periodMs()).isEqualTo(15 * MIN);
    assertThat(e.bursts()).isEqualTo(7);
  }

  @Test
  void shouldPreferTheTighterGridWhenTwoChainsHoldAsManyBursts() {
    // A stray burst 34.5 min before a 18-min series lines up, loosely, with its first and third bursts.
    long[] t = {T0 - 2_071_000, T0, T0 + 18 * MIN + 2_000, T0 + 36 * MIN - 1_000};
    PeriodEstimate e = estimator.estimate(t).orElseThrow();
    assertThat((double) e.periodMs()).isBetween(17.9 * MIN, 18.1 * MIN);
    assertThat(e.burstIndices()).containsExactly(1, 2, 3);
  }

  @Test
  void shouldFindNothingInIrregularBursts() {
    assertThat(estimator.estimate(times(0, 6, 19, 34, 50, 56, 83))).isEmpty();
    assertThat(estimator.estimate(times(0, 10, 23))).isEmpty();
  }

  @Test
  void shouldNotCallThreeBurstsWithAMissingOnePeriodic() {
    assertThat(estimator.estimate(times(0, 15, 45))).isEmpty();
    assertThat(estimator.estimate(times(0, 15, 45, 60))).isPresent();
  }

  @Test
  void shouldNotBridgeTwoMissingBursts() {
    Optional<PeriodEstimate> e = estimator.estimate(times(0, 45, 60));
    assertThat(e).isEmpty();
  }

  @Test
  void shouldIgnorePeriodsOutsideTheRange() {
    PeriodEstimator narrow = new PeriodEstimator(3, 0.05, 10_000, 5 * MIN, 20 * MIN);
    assertThat(narrow.estimate(times(0, 30, 60, 90))).isEmpty();
    long[] seconds = {T0, T0 + 30_000, T0 + 60_000, T0 + 90_000};
    assertThat(narrow.estimate(seconds)).isEmpty();
  }

  private static long[] times(long... minutes) {
    return Arrays.stream(minutes).map(m -> T0 + m * MIN).toArray();
  }
}

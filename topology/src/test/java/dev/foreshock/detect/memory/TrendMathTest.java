package dev.foreshock.detect.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrendMathTest {

  private static double[] xs(int n, double step) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i * step;
    }
    return x;
  }

  static Stream<Arguments> lines() {
    return Stream.of(
        Arguments.of(2.5, 10.0, 12, 1.0),
        Arguments.of(-0.75, 1e9, 84, 7200.0),
        Arguments.of(0.0, 42.0, 5, 60.0),
        Arguments.of(1234.5, 3.2e9, 60, 60.0),
        Arguments.of(1e-3, -5.0, 3, 0.5));
  }

  @ParameterizedTest
  @MethodSource("lines")
  void shouldRecoverExactLineWhenPointsLieOnIt(double slope, double intercept, int n, double step) {
    double[] x = xs(n, step);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = intercept + slope * x[i];
    }

    TrendMath.Fit fit = TrendMath.ols(x, y, 0, n);

    assertThat(fit.slope()).isCloseTo(slope, within(1e-9 * Math.max(1, Math.abs(slope)) + 1e-6 * Math.abs(intercept) / (n * step)));
    assertThat(fit.at(0)).isCloseTo(intercept, within(1e-6 * Math.max(1, Math.abs(intercept))));
    assertThat(fit.r2()).isEqualTo(slope == 0 ? 0.0 : 1.0, within(1e-9));
    assertThat(TrendMath.theilSenSlope(x, y, 0, n, null)).isCloseTo(slope, within(1e-6 * Math.max(1, Math.abs(slope))));
  }

  @Test
  void shouldGiveFlatFitWhenFewerThanTwoPointsOrNoSpreadInX() {
    assertThat(TrendMath.ols(new double[] {1}, new double[] {7}, 0, 1)).isEqualTo(new TrendMath.Fit(0, 7, 0, 1));
    assertThat(TrendMath.ols(new double[0], new double[0], 0, 0).n()).isZero();
    TrendMath.Fit sameX = TrendMath.ols(new double[] {3, 3, 3}, new double[] {1, 2, 3}, 0, 3);
    assertThat(sameX.slope()).isZero();
    assertThat(sameX.intercept()).isEqualTo(2.0);
    assertThat(TrendMath.theilSenSlope(new double[] {3, 3}, new double[] {1, 5}, 0, 2, null)).isZero();
  }

  @Test
  void shouldFitOnlyTheGivenSliceOfTheArrays() {
    double[] x = {0, 1, 2, 3, 4, 5};
    double[] y = {100, -100, 1, 3, 5, 7};

    assertThat(TrendMath.ols(x, y, 2, 6).slope()).isEqualTo(2.0, within(1e-12));
    assertThat(TrendMath.theilSenSlope(x, y, 2, 6, new double[6])).isEqualTo(2.0, within(1e-12));
  }

  @Test
  void shouldIgnoreOutliersWithTheilSenWhereLeastSquaresIsPulledAway() {
    int n = 40;
    double[] x = xs(n, 1);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 5 + 0.5 * x[i];
    }
    for (int i = 30; i < 40; i += 2) {
      y[i] -= 200; // five deep dips near the end, as after a cleaner job or a restart
    }

    assertThat(TrendMath.theilSenSlope(x, y, 0, n, null)).isCloseTo(0.5, within(0.05));
    assertThat(TrendMath.ols(x, y, 0, n).slope()).isLessThan(0);
  }

  @Test
  void shouldKeepSlopeAndLowR2WhenNoiseIsLargeAndSeeded() {
    Random random = new Random(42);
    int n = 84;
    double[] x = xs(n, 7200);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 1e9 + 3000 * x[i] + 5e7 * random.nextGaussian();
    }

    TrendMath.Fit fit = TrendMath.ols(x, y, 0, n);
    assertThat(fit.slope()).isCloseTo(3000, within(300.0));
    assertThat(fit.r2()).isBetween(0.95, 1.0);
    assertThat(TrendMath.theilSenSlope(x, y, 0, n, null)).isCloseTo(3000, within(300.0));

    double[] flat = new double[n];
    for (int i = 0; i < n; i++) {
      flat[i] = 1e9 + 5e7 * random.nextGaussian();
    }
    assertThat(TrendMath.ols(x, flat, 0, n).r2()).isLessThan(0.1);
  }

  @Test
  void shouldGiveR2OfGivenLineNegativeWhenLineIsWorseThanTheMean() {
    double[] x = {0, 1, 2, 3};
    double[] y = {1, 2, 3, 4};

    assertThat(TrendMath.r2Of(x, y, 0, 4, 1, 1)).isEqualTo(1.0);
    assertThat(TrendMath.r2Of(x, y, 0, 4, -1, 1)).isNegative();
    assertThat(TrendMath.sse(x, y, 0, 4, 1, 1)).isZero();
    assertThat(TrendMath.sse(x, y, 0, 4, 0, 1)).isEqualTo(0 + 1 + 4 + 9.0);
  }

  static Stream<Arguments> hinges() {
    return Stream.of(
        Arguments.of(40, 25, 2.0, 0.0),
        Arguments.of(84, 60, 0.8, 0.05),
        Arguments.of(84, 10, 5.0, 0.5),
        Arguments.of(30, 0, 1.0, 0.0));
  }

  @ParameterizedTest
  @MethodSource("hinges")
  void shouldFindWhereAFlatSeriesBeganToRise(int n, int onset, double slope, double noise) {
    Random random = new Random(n * 31L + onset);
    double[] x = xs(n, 1);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 100 + slope * Math.max(0, x[i] - onset) + noise * random.nextGaussian();
    }

    int found = TrendMath.hingeChangePoint(x, y, 0, n, n - 3);

    assertThat(found).isBetween(Math.max(0, onset - 2), onset + 2);
  }

  @Test
  void shouldNotPlaceChangePointAfterLastCandidate() {
    double[] x = xs(20, 1);
    double[] y = new double[20];
    for (int i = 0; i < 20; i++) {
      y[i] = i < 17 ? 0 : (i - 17) * 10;
    }

    assertThat(TrendMath.hingeChangePoint(x, y, 0, 20, 10)).isLessThanOrEqualTo(10);
    assertThat(TrendMath.hingeChangePoint(x, y, 0, 2, 1)).isZero();
  }

  @Test
  void shouldFitAStepBetterThanALineWhenSeriesJumpedOnce() {
    double[] x = xs(30, 1);
    double[] step = new double[30];
    double[] ramp = new double[30];
    for (int i = 0; i < 30; i++) {
      step[i] = i < 12 ? 10 : 50;
      ramp[i] = 10 + 2 * i;
    }

    TrendMath.Fit stepLine = TrendMath.ols(x, step, 0, 30);
    assertThat(TrendMath.bestStepSse(step, 0, 30)).isZero();
    assertThat(TrendMath.sse(x, step, 0, 30, stepLine.slope(), stepLine.intercept())).isGreaterThan(1000);

    TrendMath.Fit rampLine = TrendMath.ols(x, ramp, 0, 30);
    assertThat(TrendMath.sse(x, ramp, 0, 30, rampLine.slope(), rampLine.intercept()))
        .isLessThan(TrendMath.bestStepSse(ramp, 0, 30));
    assertThat(TrendMath.bestStepSse(new double[] {1}, 0, 1)).isInfinite();
  }

  @Test
  void shouldProjectSecondsToExhaustionFromLevelLimitAndSlope() {
    assertThat(TrendMath.secondsToExhaustion(1e9, 3e9, 1e4)).isEqualTo(2e5);
    assertThat(TrendMath.secondsToExhaustion(3e9, 3e9, 1e4)).isZero();
    assertThat(TrendMath.secondsToExhaustion(3.1e9, 3e9, -5)).isZero();
    assertThat(TrendMath.secondsToExhaustion(1e9, 3e9, 0)).isInfinite();
    assertThat(TrendMath.secondsToExhaustion(1e9, 3e9, -1)).isInfinite();
    assertThat(TrendMath.secondsToExhaustion(1e9, 3e9, Double.NaN)).isInfinite();
  }

  @Test
  void shouldTakeMedianOfOddEvenSmallAndLargeArrays() {
    assertThat(TrendMath.median(new double[] {3, 1, 2}, 3)).isEqualTo(2.0);
    assertThat(TrendMath.median(new double[] {4, 1, 3, 2}, 4)).isEqualTo(2.5);
    assertThat(TrendMath.median(new double[] {9, 1, 5, 100}, 3)).isEqualTo(5.0);
    Random random = new Random(7);
    for (int n : new int[] {17, 18, 101, 1000, 3486}) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = random.nextInt(50) + random.nextGaussian();
      }
      double[] sorted = v.clone();
      Arrays.sort(sorted);
      double expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      assertThat(TrendMath.median(v, n)).as("n=%d", n).isEqualTo(expected);
    }
    double[] ties = new double[40];
    Arrays.fill(ties, 3.0);
    assertThat(TrendMath.median(ties, 40)).isEqualTo(3.0);
    assertThatThrownBy(() -> TrendMath.median(new double[0], 0)).hasMessageContaining("no values");
  }

  @Test
  void shouldTakeMedianInterceptThatGoesWithRobustSlope() {
    double[] x = {-3, -2, -1, 0};
    double[] y = {4, 6, 8, 1000};

    assertThat(TrendMath.medianIntercept(x, y, 0, 4, 2, null)).isEqualTo(10.0);
  }

  // -----------------------------------------------------------------------------------------------
  // the judging horizon's buckets, as MemoryAnalyzer lays them out: x in seconds before now (bucket
  // centres), phase = slot of the day

  private static final double DAY = 86_400;

  /** Centres of {@code n} buckets of {@code bucketSec} ending now, in seconds before now (negative). */
  private static double[] bucketXs(int n, double bucketSec) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = (i - n + 0.5) * bucketSec;
    }
    return x;
  }

  private static int[] phases(int n, int periods, int firstPhase) {
    int[] phase = new int[n];
    for (int i = 0; i < n; i++) {
      phase[i] = (firstPhase + i) % periods;
    }
    return phase;
  }

  /** A time-of-day profile with a zero mean: a sine, its harmonic and a sharp morning batch. */
  private static double[] dailyProfile(int periods, double amplitude, Random random) {
    double[] profile = new double[periods];
    double shift = random.nextDouble() * 2 * Math.PI;
    int batch = random.nextInt(periods);
    double mean = 0;
    for (int p = 0; p < periods; p++) {
      double t = 2 * Math.PI * p / periods + shift;
      profile[p] = amplitude * (Math.sin(t) + 0.3 * Math.cos(2 * t) + (p == batch ? 0.6 : 0));
      mean += profile[p];
    }
    mean /= periods;
    for (int p = 0; p < periods; p++) {
      profile[p] -= mean;
    }
    return profile;
  }

  private static double rmsAboutOls(double[] x, double[] y, int n) {
    TrendMath.Fit fit = TrendMath.ols(x, y, 0, n);
    return Math.sqrt(TrendMath.sse(x, y, 0, n, fit.slope(), fit.intercept()) / n);
  }

  // -----------------------------------------------------------------------------------------------
  // periodicity

  @ParameterizedTest
  @ValueSource(ints = {4, 12, 24})
  void shouldScoreAnExactlyRepeatingSeriesOnATrendAsKMinusOneOverK(int lag) {
    Random random = new Random(lag);
    for (int k = 2; k <= 7; k++) {
      int n = k * lag + 1;
      double[] pattern = new double[lag];
      for (int p = 0; p < lag; p++) {
        pattern[p] = 100 * random.nextGaussian();
      }
      double trend = 50 * random.nextGaussian();
      double[] y = new double[n + 5];
      for (int i = 0; i < n; i++) {
        y[i] = 1e9 + trend * i + pattern[i % lag];
      }
      Arrays.fill(y, n, n + 5, 1e12); // beyond n: must not be read

      // the differences repeat exactly, so the autocorrelation is the share of them that has a
      // partner one period back: (k - 1) / k
      assertThat(TrendMath.periodicity(y, n, lag)).as("k=%d", k).isCloseTo((k - 1) / (double) k, within(1e-9));
    }
  }

  static Stream<Arguments> rhythms() {
    // n, buckets per day, amplitude, noise sigma, slope per bucket
    return Stream.of(
        Arguments.of(84, 12, 10.0, 2.0, 0.3),
        Arguments.of(84, 12, 10.0, 0.5, 0.0),
        Arguments.of(168, 24, 5.0, 1.0, -0.2),
        Arguments.of(24, 12, 10.0, 1.0, 1.0),
        Arguments.of(60, 12, 3.0, 1.0, 0.05),
        Arguments.of(60, 12, 6.0, 1.0, 0.05),
        Arguments.of(84, 12, 2e8, 3e7, 1e6));
  }

  @ParameterizedTest
  @MethodSource("rhythms")
  void shouldScoreANoisyDailyRhythmByItsShareOfTheVarianceOfTheChanges(int n, int periods, double amplitude,
      double sigma, double slope) {
    Random random = new Random(n * 7L + periods);
    double signalVariance = 0;
    for (int p = 0; p < periods; p++) {
      double d = amplitude * (Math.sin(2 * Math.PI * (p + 1) / periods) - Math.sin(2 * Math.PI * p / periods));
      signalVariance += d * d / periods;
    }
    // the changes of a sine plus noise: the sine's part repeats, the noise's (variance 2 sigma^2) does
    // not; and only n - 1 - lag of the n - 1 changes have a partner one period back
    double expected = (n - 1.0 - periods) / (n - 1.0) * signalVariance / (signalVariance + 2 * sigma * sigma);
    int seeds = 200;
    double sum = 0;
    double least = Double.POSITIVE_INFINITY;
    for (int seed = 0; seed < seeds; seed++) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = 1e3 + slope * i + amplitude * Math.sin(2 * Math.PI * i / periods) + sigma * random.nextGaussian();
      }

      double score = TrendMath.periodicity(y, n, periods);

      sum += score;
      least = Math.min(least, score);
    }

    assertThat(sum / seeds).isCloseTo(expected, within(0.04));
    if (expected >= 0.5) {
      assertThat(least).as("every seed above the analyzer's threshold").isGreaterThan(0.3);
    }
  }

  static Stream<Arguments> notDaily() {
    // shape, n, most seeds of 400 that may score 0.3 or more (the analyzer's threshold) by chance
    return Stream.of(
        Arguments.of("white noise", 24, 20), Arguments.of("white noise", 84, 8),
        Arguments.of("noisy trend", 24, 20), Arguments.of("noisy trend", 60, 12), Arguments.of("noisy trend", 84, 8),
        Arguments.of("noisy step", 24, 0), Arguments.of("noisy step", 84, 0),
        Arguments.of("random walk", 24, 8), Arguments.of("random walk", 84, 4),
        Arguments.of("7-bucket sawtooth", 24, 0), Arguments.of("7-bucket sawtooth", 84, 0),
        Arguments.of("5-bucket sawtooth", 84, 0),
        Arguments.of("25-min GC sawtooth averaged into 2-h buckets", 84, 0));
  }

  @ParameterizedTest
  @MethodSource("notDaily")
  void shouldReportNoDailyRhythmWhereThereIsNone(String shape, int n, int mostByChance) {
    int periods = 12;
    int seeds = shape.startsWith("25-min") ? 40 : 400;
    int passed = 0;
    double sum = 0;
    for (int seed = 0; seed < seeds; seed++) {
      Random random = new Random(seed * 1000L + n + shape.hashCode());
      double[] y = new double[n];
      double walk = 0;
      for (int i = 0; i < n; i++) {
        double noise = random.nextGaussian();
        walk += noise;
        y[i] = switch (shape) {
          case "white noise" -> 3e9 + 1e7 * noise;
          case "noisy trend" -> 1e9 + 2e7 * i + 1e7 * noise;
          case "noisy step" -> (i < n / 3 + seed % 10 ? 1e9 : 4e9) + 1e7 * noise;
          case "7-bucket sawtooth" -> 1e9 + (i % 7) * 1e8 + 1e6 * noise;
          case "5-bucket sawtooth" -> 1e9 + (i % 5) * 1e8 + 1e6 * noise;
          case "25-min GC sawtooth averaged into 2-h buckets" -> gcBucketMean(i, 7200, 1500, 10, 1e9, 2e9, random);
          case "random walk" -> 1e9 + 1e7 * walk;
          default -> throw new IllegalArgumentException(shape);
        };
      }

      double score = TrendMath.periodicity(y, n, periods);

      sum += score;
      if (score >= 0.3) {
        passed++;
      }
    }

    // the score of changes that do not repeat is 0 on average, with a spread of about
    // sqrt(n - 1 - lag) / (n - 1): 0.14 at two days of 2-h buckets, 0.11 at a week
    assertThat(passed).as("%s n=%d: seeds at or above 0.3", shape, n).isLessThanOrEqualTo(mostByChance);
    assertThat(sum / seeds).as("%s n=%d: mean score", shape, n).isLessThan(0.05);
  }

  /** The mean of bucket {@code i} of a sawtooth from {@code low} to {@code high} sampled every {@code stepSec}. */
  private static double gcBucketMean(int i, int bucketSec, int periodSec, int stepSec, double low, double high,
      Random random) {
    double sum = 0;
    int count = 0;
    for (long t = (long) i * bucketSec; t < (long) (i + 1) * bucketSec; t += stepSec) {
      sum += low + (high - low) * (t % periodSec) / periodSec + 1e7 * random.nextGaussian();
      count++;
    }
    return sum / count;
  }

  @Test
  void shouldScoreASawtoothWhosePeriodDividesTheLagAsPeriodicAndOtherPeriodsAsAntiCorrelated() {
    int n = 85;
    double[] y6 = new double[n];
    double[] y7 = new double[n];
    for (int i = 0; i < n; i++) {
      y6[i] = 10 + (i % 6);
      y7[i] = 10 + (i % 7);
    }

    // a 6-bucket sawtooth also repeats every 12 buckets
    assertThat(TrendMath.periodicity(y6, n, 12)).isGreaterThan(0.8);
    // changes of a 7-bucket sawtooth: six of +1, one of -6; at a lag that is no multiple of 7 they
    // correlate at -1/6
    assertThat(TrendMath.periodicity(y7, n, 12)).isCloseTo(-1.0 / 6, within(0.03));
  }

  @Test
  void shouldScoreZeroWhenTooFewPointsNoChangesOrNoLag() {
    int lag = 12;
    double[] rhythm = new double[40];
    for (int i = 0; i < rhythm.length; i++) {
      rhythm[i] = 5 * Math.sin(2 * Math.PI * i / lag);
    }

    assertThat(TrendMath.periodicity(rhythm, lag + 2, lag)).isZero();
    assertThat(TrendMath.periodicity(rhythm, lag + 3, lag)).isPositive();
    assertThat(TrendMath.periodicity(rhythm, 40, 0)).isZero();
    assertThat(TrendMath.periodicity(rhythm, 0, lag)).isZero();
    double[] flat = new double[40];
    Arrays.fill(flat, 2.5e9);
    assertThat(TrendMath.periodicity(flat, 40, lag)).isZero();
    double[] line = new double[40];
    for (int i = 0; i < line.length; i++) {
      line[i] = 1e9 + 4096.0 * i;
    }
    assertThat(TrendMath.periodicity(line, 40, lag)).isCloseTo(0, within(1e-9));
  }

  // -----------------------------------------------------------------------------------------------
  // deseasonalise

  static Stream<Arguments> seasonalTrends() {
    // n, buckets per day, daily amplitude, noise sigma, slope per day
    return Stream.of(
        Arguments.of(84, 12, 10.0, 1.5, 20.0),
        Arguments.of(84, 12, 3e8, 2e7, 2.5e8),
        Arguments.of(80, 12, 8.0, 1.0, -5.0),
        Arguments.of(168, 24, 6.0, 1.0, 12.0),
        Arguments.of(60, 12, 40.0, 2.0, 30.0),
        Arguments.of(30, 12, 50.0, 1.0, 20.0),
        Arguments.of(84, 12, 10.0, 0.0, 20.0));
  }

  @ParameterizedTest
  @MethodSource("seasonalTrends")
  void shouldRecoverTheSlopeAndTheTimeOfDayProfileUnderADailyRhythm(int n, int periods, double amplitude,
      double sigma, double slopePerDay) {
    Random random = new Random(n * 31L + periods + (long) sigma);
    double bucketSec = DAY / periods;
    double[] x = bucketXs(n, bucketSec);
    int[] phase = phases(n, periods, random.nextInt(periods));
    double[] profile = dailyProfile(periods, amplitude, random);
    double[] y = new double[n];
    double base = 100 * amplitude;
    for (int i = 0; i < n; i++) {
      y[i] = base + slopePerDay / DAY * x[i] + profile[phase[i]] + sigma * random.nextGaussian();
    }
    double[] yBefore = y.clone();
    double[] season = new double[periods];
    double[] z = new double[n];

    TrendMath.deseasonalise(x, y, n, phase, periods, n - 6, 3, season, z, new double[n]);

    assertThat(y).as("the input is left as it was").isEqualTo(yBefore);
    double days = n / (double) periods;
    // the profile: per phase the median of about `days` residuals, each with noise sigma
    // (noiseless: what three iterations leave of the hinge's first pull by the rhythm)
    double profileTolerance = 4 * sigma / Math.sqrt(days) + 1e-4 * amplitude;
    for (int p = 0; p < periods; p++) {
      assertThat(season[p]).as("phase %d", p).isCloseTo(profile[p], within(profileTolerance));
    }
    assertThat(Arrays.stream(season).sum() / periods).isCloseTo(0, within(1e-9 * amplitude));
    for (int i = 0; i < n; i++) {
      assertThat(z[i]).isEqualTo(y[i] - season[phase[i]]);
    }
    // the slope of what is left: noise sigma over n points spread evenly over `days` days
    double slopeTolerance = 6 * sigma / Math.sqrt(n) / (days / Math.sqrt(12)) + 1e-6 * Math.abs(slopePerDay);
    assertThat(TrendMath.ols(x, z, 0, n).slope() * DAY).isCloseTo(slopePerDay, within(slopeTolerance));
    assertThat(TrendMath.theilSenSlope(x, z, 0, n, null) * DAY).isCloseTo(slopePerDay, within(slopeTolerance));
    // what is left scatters about its line by the noise, no longer by the rhythm
    assertThat(rmsAboutOls(x, z, n)).isLessThanOrEqualTo(1.3 * sigma + 1e-4 * amplitude);
    assertThat(rmsAboutOls(x, y, n)).isGreaterThan(2 * rmsAboutOls(x, z, n));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void shouldSeparateAHingedGrowthFromTheRhythmSoThatItsOnsetAndSlopeShow(int seed) {
    Random random = new Random(seed);
    int n = 84;
    int periods = 12;
    double[] x = bucketXs(n, 7200);
    int[] phase = phases(n, periods, random.nextInt(periods));
    double[] profile = dailyProfile(periods, 0.2e9, random);
    int onset = 20 + random.nextInt(40);
    double slopePerDay = 0.3e9;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 2e9 + slopePerDay / DAY * Math.max(0, x[i] - x[onset]) + profile[phase[i]] + 0.02e9 * random.nextGaussian();
    }
    double[] season = new double[periods];
    double[] z = new double[n];

    TrendMath.deseasonalise(x, y, n, phase, periods, n - 6, 3, season, z, new double[n]);

    int knot = TrendMath.hingeChangePoint(x, z, 0, n, n - 6);
    double[] ab = new double[2];
    assertThat(TrendMath.hingeFit(x, z, 0, n, x[knot], ab)).isTrue();
    assertThat(knot).isBetween(onset - 2, onset + 2);
    assertThat(ab[1] * DAY).isCloseTo(slopePerDay, within(0.05 * slopePerDay));
    assertThat(ab[0]).isCloseTo(2e9, within(0.03e9));
    for (int p = 0; p < periods; p++) {
      assertThat(season[p]).as("phase %d", p).isCloseTo(profile[p], within(0.05e9));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {24, 60, 84, 168})
  void shouldLeaveThePlainTrendWhereThereIsNoRhythm(int n) {
    int periods = n == 168 ? 24 : 12;
    double[] x = bucketXs(n, DAY / periods);
    int[] phase = phases(n, periods, 5);
    double slope = 1.7e8 / DAY;
    double[] line = new double[n];
    for (int i = 0; i < n; i++) {
      line[i] = 3e9 + slope * x[i];
    }
    double[] season = new double[periods];
    double[] z = new double[n];

    TrendMath.deseasonalise(x, line, n, phase, periods, n - 6, 3, season, z, new double[n]);

    for (int p = 0; p < periods; p++) {
      assertThat(season[p]).as("phase %d", p).isCloseTo(0, within(1e-6));
    }
    for (int i = 0; i < n; i++) {
      assertThat(z[i]).isCloseTo(line[i], within(1e-6));
    }

    Random random = new Random(n);
    double sigma = 0.05e9;
    double[] noisy = new double[n];
    for (int i = 0; i < n; i++) {
      noisy[i] = line[i] + sigma * random.nextGaussian();
    }

    TrendMath.deseasonalise(x, noisy, n, phase, periods, n - 6, 3, season, z, new double[n]);

    double days = n / (double) periods;
    for (int p = 0; p < periods; p++) {
      assertThat(Math.abs(season[p])).as("phase %d", p).isLessThan(4 * sigma / Math.sqrt(days));
    }
    double plain = TrendMath.ols(x, noisy, 0, n).slope();
    assertThat(TrendMath.ols(x, z, 0, n).slope()).isCloseTo(plain, within(0.1 * slope));
  }

  @ParameterizedTest
  @ValueSource(ints = {20, 42, 60})
  void shouldLeaveAHingedLeakWithoutRhythmAsItIs(int onset) {
    // differencing takes out a straight trend, not a bend: a clean leak that began mid-ring scores
    // 0.4-0.5 on periodicity (above the analyzer's 0.3), so the analyzer de-seasonalises it; this
    // must then take nothing out but noise
    int n = 84;
    int periods = 12;
    double[] x = bucketXs(n, 7200);
    int[] phase = phases(n, periods, 3);
    double sigma = 1e7;
    double slope = 5e7 / 7200;
    for (int seed = 1; seed <= 3; seed++) {
      Random random = new Random(seed * 100L + onset);
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = 2e9 + slope * Math.max(0, x[i] - x[onset]) + sigma * random.nextGaussian();
      }
      double[] season = new double[periods];
      double[] z = new double[n];

      TrendMath.deseasonalise(x, y, n, phase, periods, n - 6, 3, season, z, new double[n]);

      for (int p = 0; p < periods; p++) {
        assertThat(Math.abs(season[p])).as("seed %d phase %d", seed, p).isLessThan(4 * sigma / Math.sqrt(7));
      }
      int knot = TrendMath.hingeChangePoint(x, z, 0, n, n - 6);
      double[] ab = new double[2];
      TrendMath.hingeFit(x, z, 0, n, x[knot], ab);
      assertThat(knot).as("seed %d", seed).isEqualTo(TrendMath.hingeChangePoint(x, y, 0, n, n - 6));
      assertThat(knot).isBetween(onset - 1, onset + 1);
      assertThat(ab[1]).isCloseTo(slope, within(0.01 * slope));
    }
  }

  @Test
  void shouldGiveZeroProfileToPhasesWithoutPointsAndCopyAConstantSeries() {
    int periods = 12;
    int n = 7; // fewer buckets than a day: phases 7..11 have no point
    double[] x = bucketXs(n, 7200);
    int[] phase = phases(n, periods, 0);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 1e9 + (i % 2 == 0 ? 1e7 : -1e7);
    }
    double[] season = new double[periods + 2];
    season[periods] = 42; // beyond periods: untouched
    season[periods + 1] = 43;
    double[] z = new double[n];

    TrendMath.deseasonalise(x, y, n, phase, periods, n - 1, 3, season, z, new double[n]);

    for (int p = n; p < periods; p++) {
      assertThat(season[p]).as("empty phase %d", p).isZero();
    }
    assertThat(season[periods]).isEqualTo(42);
    assertThat(season[periods + 1]).isEqualTo(43);
    assertThat(Arrays.stream(z).boxed()).allSatisfy(v -> assertThat(v).isFinite());

    double[] constant = new double[84];
    Arrays.fill(constant, 2.75e9);
    double[] z84 = new double[84];

    TrendMath.deseasonalise(bucketXs(84, 7200), constant, 84, phases(84, periods, 3), periods, 78, 3, season, z84,
        new double[84]);

    assertThat(Arrays.stream(season, 0, periods).boxed()).allSatisfy(v -> assertThat(v).isCloseTo(0, within(1e-3)));
    assertThat(Arrays.stream(z84).boxed()).allSatisfy(v -> assertThat(v).isCloseTo(2.75e9, within(1e-3)));
  }

  @Test
  void shouldNotRemoveAnythingWithZeroIterations() {
    int n = 36;
    Random random = new Random(11);
    double[] x = bucketXs(n, 7200);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 50 + 10 * Math.sin(2 * Math.PI * i / 12) + random.nextGaussian();
    }
    double[] season = new double[12];
    Arrays.fill(season, 99);
    double[] z = new double[n];

    TrendMath.deseasonalise(x, y, n, phases(n, 12, 0), 12, n - 6, 0, season, z, new double[n]);

    assertThat(season).containsOnly(0.0);
    assertThat(z).isEqualTo(y);
  }

  // -----------------------------------------------------------------------------------------------
  // hingeFit

  @Test
  void shouldRecoverAnExactHingeAtItsKnot() {
    double[] x = bucketXs(84, 7200);
    int knot = 37;
    double a = 1.25e9;
    double b = 2.5e8 / DAY;
    double[] y = new double[84];
    for (int i = 0; i < 84; i++) {
      y[i] = a + b * Math.max(0, x[i] - x[knot]);
    }
    double[] ab = new double[2];

    assertThat(TrendMath.hingeFit(x, y, 0, 84, x[knot], ab)).isTrue();

    assertThat(ab[0]).isCloseTo(a, within(1e-6 * a));
    assertThat(ab[1]).isCloseTo(b, within(1e-9 * b));
  }

  @Test
  void shouldFitTheLeastSquaresHingeToNoisyData() {
    Random random = new Random(5);
    for (int trial = 0; trial < 20; trial++) {
      int n = 6 + random.nextInt(200);
      double[] x = bucketXs(n, 60 + random.nextInt(7200));
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = 1e9 + 1e8 * random.nextGaussian() + (i > n / 2 ? 1e6 * i : 0);
      }
      double knot = x[random.nextInt(n - 1)];
      double[] ab = new double[2];

      assertThat(TrendMath.hingeFit(x, y, 0, n, knot, ab)).isTrue();

      // the normal equations: the residuals sum to zero and are orthogonal to the hinge
      double sumR = 0;
      double sumRh = 0;
      double scaleH = 0;
      for (int i = 0; i < n; i++) {
        double h = Math.max(0, x[i] - knot);
        double r = y[i] - ab[0] - ab[1] * h;
        sumR += r;
        sumRh += r * h;
        scaleH += h * 1e8;
      }
      assertThat(Math.abs(sumR)).as("trial %d", trial).isLessThan(1e-6 * n * 1e8);
      assertThat(Math.abs(sumRh)).as("trial %d", trial).isLessThan(1e-6 * scaleH);
      double best = hingeSse(x, y, n, knot, ab[0], ab[1]);
      for (double[] d : new double[][] {{1e5, 0}, {-1e5, 0}, {0, 1e-3 * Math.abs(ab[1]) + 1}, {0, -1e-3 * Math.abs(ab[1]) - 1}}) {
        assertThat(hingeSse(x, y, n, knot, ab[0] + d[0], ab[1] + d[1])).isGreaterThan(best);
      }
    }
  }

  private static double hingeSse(double[] x, double[] y, int n, double knot, double a, double b) {
    double sse = 0;
    for (int i = 0; i < n; i++) {
      double r = y[i] - a - b * Math.max(0, x[i] - knot);
      sse += r * r;
    }
    return sse;
  }

  @Test
  void shouldFitTheStraightLineWhenTheKnotIsAtOrBeforeTheFirstPoint() {
    Random random = new Random(8);
    int n = 60;
    double[] x = bucketXs(n, 60);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 4e9 + 1e5 * x[i] + 3e7 * random.nextGaussian();
    }
    TrendMath.Fit line = TrendMath.ols(x, y, 0, n);
    double[] ab = new double[2];

    for (double knot : new double[] {x[0], x[0] - 3600, -1e7}) {
      assertThat(TrendMath.hingeFit(x, y, 0, n, knot, ab)).isTrue();
      assertThat(ab[1]).as("knot %s", knot).isCloseTo(line.slope(), within(1e-6 * Math.abs(line.slope())));
      assertThat(ab[0] + ab[1] * (x[n - 1] - knot)).isCloseTo(line.at(x[n - 1]), within(1.0));
    }
  }

  @Test
  void shouldGiveAFlatLineAtTheMeanWhenTheHingeHasNoSpread() {
    double[] x = {-300, -200, -100, 0};
    double[] y = {4, 6, 8, 10};
    double[] ab = {-1, -1};

    assertThat(TrendMath.hingeFit(x, y, 0, 4, 0, ab)).isFalse();
    assertThat(ab).containsExactly(7, 0);
    assertThat(TrendMath.hingeFit(x, y, 0, 4, 50, ab)).isFalse();
    assertThat(ab).containsExactly(7, 0);
    assertThat(TrendMath.hingeFit(x, y, 2, 3, -1000, ab)).isFalse();
    assertThat(ab).containsExactly(8, 0);
    assertThat(TrendMath.hingeFit(x, y, 2, 2, -1000, ab)).isFalse();
    assertThat(ab).containsExactly(0, 0);
    // a slice: points outside [from, to) do not count
    assertThat(TrendMath.hingeFit(new double[] {0, 1, 2, 3, 4}, new double[] {1e9, 5, 5, 7, 9}, 1, 5, 2, ab)).isTrue();
    assertThat(ab[0]).isCloseTo(5, within(1e-12));
    assertThat(ab[1]).isCloseTo(2, within(1e-12));
  }

  static Stream<Arguments> bends() {
    // n, bucket seconds, onset index, level, slope per second after, noise
    return Stream.of(
        Arguments.of(84, 7200.0, 50, 2e9, 3000.0, 1e7),
        Arguments.of(84, 7200.0, 12, 1e9, 500.0, 5e6),
        Arguments.of(80, 1080.0, 40, 6e9, 2e4, 2e7),
        Arguments.of(60, 60.0, 20, 3e8, 1e5, 1e6),
        Arguments.of(168, 3600.0, 100, 1.6e10, 1e4, 5e7));
  }

  @ParameterizedTest
  @MethodSource("bends")
  void shouldFindAKnownKnotAndItsLevelAndSlope(int n, double bucketSec, int onset, double level, double slope,
      double noise) {
    Random random = new Random(onset * 13L + n);
    double[] x = bucketXs(n, bucketSec);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = level + slope * Math.max(0, x[i] - x[onset]) + noise * random.nextGaussian();
    }

    int knot = TrendMath.hingeChangePoint(x, y, 0, n, n - 6);
    double[] ab = new double[2];
    TrendMath.hingeFit(x, y, 0, n, x[knot], ab);

    assertThat(knot).isBetween(onset - 2, onset + 2);
    assertThat(ab[1]).isCloseTo(slope, within(0.05 * slope));
    assertThat(ab[0]).isCloseTo(level, within(3 * noise));
    assertThat(knot).isEqualTo(bruteForceKnot(x, y, n, n - 6));
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 12, 60, 84, 168})
  void shouldFindNoBendInAStraightLine(int n) {
    Random random = new Random(n);
    double[] x = bucketXs(n, 7200);
    double slope = 2e8 / DAY;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 1e9 + slope * x[i] + 1e6 * random.nextGaussian();
    }

    int knot = TrendMath.hingeChangePoint(x, y, 0, n, n - 3);
    double[] ab = new double[2];
    TrendMath.hingeFit(x, y, 0, n, x[knot], ab);

    assertThat(knot).isLessThanOrEqualTo(Math.max(1, n / 20));
    assertThat(ab[1]).isCloseTo(TrendMath.ols(x, y, knot, n).slope(), within(1e-6 * slope));
    assertThat(ab[1]).isCloseTo(slope, within(0.05 * slope));
    assertThat(knot).isEqualTo(bruteForceKnot(x, y, n, n - 3));
  }

  /** The knot in [0, last] of least hinge SSE, the earliest on a tie, by trying them all. */
  private static int bruteForceKnot(double[] x, double[] y, int n, int last) {
    int best = 0;
    double bestSse = Double.NaN;
    double[] ab = new double[2];
    for (int k = 0; k <= Math.min(last, n - 2); k++) {
      if (!TrendMath.hingeFit(x, y, 0, n, x[k], ab)) {
        continue;
      }
      double sse = hingeSse(x, y, n, x[k], ab[0], ab[1]);
      if (Double.isNaN(bestSse) || sse < bestSse - 1e-9 * bestSse) {
        bestSse = sse;
        best = k;
      }
    }
    return best;
  }

  // -----------------------------------------------------------------------------------------------
  // quantile

  @Test
  void shouldTakeTheNearestRankBelowWithoutInterpolating() {
    assertThat(TrendMath.quantile(new double[] {4, 1, 3, 2}, 4, 0)).isEqualTo(1.0);
    assertThat(TrendMath.quantile(new double[] {4, 1, 3, 2}, 4, 1)).isEqualTo(4.0);
    assertThat(TrendMath.quantile(new double[] {4, 1, 3, 2}, 4, 0.5)).isEqualTo(2.0); // rank 1.5 -> 1
    assertThat(TrendMath.quantile(new double[] {5, 1, 3}, 3, 0.5)).isEqualTo(3.0);
    assertThat(TrendMath.quantile(new double[] {0, 10}, 2, 0.99)).isEqualTo(0.0); // no interpolation
    assertThat(TrendMath.quantile(new double[] {10, 0}, 2, 1)).isEqualTo(10.0);
    assertThat(TrendMath.quantile(new double[] {7.5}, 1, 0)).isEqualTo(7.5);
    assertThat(TrendMath.quantile(new double[] {7.5}, 1, 0.9)).isEqualTo(7.5);
    assertThat(TrendMath.quantile(new double[] {7.5}, 1, 1)).isEqualTo(7.5);
    // beyond [0, 1]: clamped to the minimum and the maximum
    assertThat(TrendMath.quantile(new double[] {3, -2, 8}, 3, -0.5)).isEqualTo(-2.0);
    assertThat(TrendMath.quantile(new double[] {3, -2, 8}, 3, 1.5)).isEqualTo(8.0);
    // only the first n values count
    assertThat(TrendMath.quantile(new double[] {3, 1, 2, 1e9, -1e9}, 3, 1)).isEqualTo(3.0);
    assertThat(TrendMath.quantile(new double[] {3, 1, 2, 1e9, -1e9}, 3, 0)).isEqualTo(1.0);
  }

  @Test
  void shouldAgreeWithASortedCopyForRandomValuesTiesAndSizes() {
    Random random = new Random(2026);
    double[] qs = {0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1};
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + random.nextInt(trial < 200 ? 100 : 3000);
      int distinct = 1 + random.nextInt(trial % 3 == 0 ? 3 : 1000); // many ties in a third of the trials
      double[] values = new double[n];
      for (int i = 0; i < n; i++) {
        values[i] = trial % 5 == 0 ? (i % 2 == 0 ? i : n - i) : random.nextInt(distinct) * 1e7 + (distinct > 3 ? random.nextGaussian() : 0);
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      for (double q : qs) {
        double[] work = values.clone();

        double got = TrendMath.quantile(work, n, q);

        assertThat(got).as("trial %d n=%d q=%s", trial, n, q).isEqualTo(sorted[(int) Math.floor(q * (n - 1))]);
        double[] reordered = work.clone();
        Arrays.sort(reordered);
        assertThat(reordered).as("only reordered").isEqualTo(sorted);
      }
    }
  }

  @Test
  void shouldGiveTheSameValueForAllTies() {
    for (int n : new int[] {1, 2, 16, 17, 60, 1000}) {
      double[] ties = new double[n];
      Arrays.fill(ties, -3.5e9);
      for (double q : new double[] {0, 0.5, 0.9, 1}) {
        assertThat(TrendMath.quantile(ties, n, q)).isEqualTo(-3.5e9);
      }
      assertThat(TrendMath.median(ties, n)).isEqualTo(-3.5e9);
    }
  }

  @Test
  void shouldRefuseTheQuantileOfNoValues() {
    assertThatThrownBy(() -> TrendMath.quantile(new double[0], 0, 0.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no values");
    assertThatThrownBy(() -> TrendMath.quantile(new double[] {1, 2}, 0, 0.9))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no values");
  }

  @Test
  void shouldNeitherHangNorThrowWhenValuesHoldNaN() {
    // byte counts never make NaN (they are longs), but quickselect on a stream thread must not
    // loop or overrun on one: it returns one of the values (which one is not defined)
    Random random = new Random(4);
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      for (int trial = 0; trial < 500; trial++) {
        int n = 1 + random.nextInt(200);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
          values[i] = random.nextInt(5) == 0 ? Double.NaN : random.nextInt(20);
        }
        double q = random.nextDouble();

        double quantile = TrendMath.quantile(values.clone(), n, q);
        double median = TrendMath.median(values.clone(), n);

        assertThat(Arrays.stream(values).anyMatch(v -> Double.compare(v, quantile) == 0)).as("trial %d", trial).isTrue();
        assertThat(Double.isNaN(median) || median >= 0 && median <= 19).as("trial %d: %s", trial, median).isTrue();
      }
    });
  }

  @Test
  void shouldTakeMedianWithTiesAgreeingWithASortedCopy() {
    Random random = new Random(99);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + random.nextInt(200);
      int distinct = 1 + random.nextInt(trial % 2 == 0 ? 4 : 10_000);
      double[] values = new double[n];
      for (int i = 0; i < n; i++) {
        values[i] = random.nextInt(distinct) - distinct / 2.0;
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      double expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;

      assertThat(TrendMath.median(values, n)).as("trial %d n=%d", trial, n).isEqualTo(expected);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // the rest against brute-force references

  @Test
  void shouldTakeTheMedianOfAllPairSlopesAndTheMatchingInterceptOnRandomData() {
    Random random = new Random(17);
    for (int trial = 0; trial < 60; trial++) {
      int n = 2 + random.nextInt(90);
      int from = random.nextInt(3);
      double[] x = new double[n + from];
      double[] y = new double[n + from];
      for (int i = 0; i < n + from; i++) {
        x[i] = random.nextInt(Math.max(2, n / 2)) * 60.0; // repeated x: pairs without spread are left out
        y[i] = 1e9 + 1e4 * x[i] + 1e7 * random.nextGaussian();
      }
      int to = from + n;
      double[] slopes = new double[n * n];
      int k = 0;
      for (int i = from; i < to; i++) {
        for (int j = i + 1; j < to; j++) {
          if (x[j] != x[i]) {
            slopes[k++] = (y[j] - y[i]) / (x[j] - x[i]);
          }
        }
      }
      double expectedSlope = k == 0 ? 0 : sortedMedian(Arrays.copyOf(slopes, k));

      double slope = TrendMath.theilSenSlope(x, y, from, to, trial % 2 == 0 ? null : new double[3]);

      assertThat(slope).as("trial %d", trial).isCloseTo(expectedSlope, within(1e-9 * Math.abs(expectedSlope) + 1e-12));
      double[] offsets = new double[n];
      for (int i = from; i < to; i++) {
        offsets[i - from] = y[i] - slope * x[i];
      }
      assertThat(TrendMath.medianIntercept(x, y, from, to, slope, trial % 2 == 0 ? null : new double[1]))
          .isCloseTo(sortedMedian(offsets), within(1e-6));
    }
    assertThat(TrendMath.medianIntercept(new double[0], new double[0], 0, 0, 1, null)).isZero();
  }

  private static double sortedMedian(double[] v) {
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  @Test
  void shouldGiveTheLeastStepSseOfAllSplits() {
    Random random = new Random(23);
    for (int trial = 0; trial < 50; trial++) {
      int n = 2 + random.nextInt(120);
      int from = random.nextInt(4);
      double[] y = new double[from + n];
      int jump = 1 + random.nextInt(n - 1);
      for (int i = 0; i < from + n; i++) {
        y[i] = (i - from < jump ? 2e9 : 2e9 + 5e8 * random.nextGaussian()) + 1e7 * random.nextGaussian();
      }
      double expected = Double.POSITIVE_INFINITY;
      for (int m = 1; m < n; m++) {
        expected = Math.min(expected, levelSse(y, from, from + m) + levelSse(y, from + m, from + n));
      }

      assertThat(TrendMath.bestStepSse(y, from, from + n)).as("trial %d", trial)
          .isCloseTo(expected, within(1e-6 * expected + 1e3));
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {3e9, 6.4e10, 1e12})
  void shouldKeepTheStepSseExactAtLargeLevelsWithSmallNoise(double level) {
    // a flat resource of 64 GB (or 1 TB) that varies by kilobytes: the running sums of squares
    // (level^2 times n) once swallowed the noise's sum of squares
    Random random = new Random((long) (level / 1e9));
    int n = 84;
    for (double noise : new double[] {1e3, 1e5}) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = level + noise * random.nextGaussian();
      }
      double expected = Double.POSITIVE_INFINITY;
      for (int m = 1; m < n; m++) {
        expected = Math.min(expected, levelSse(y, 0, m) + levelSse(y, m, n));
      }

      assertThat(TrendMath.bestStepSse(y, 0, n)).as("noise %s", noise).isCloseTo(expected, within(1e-6 * expected));
    }
  }

  private static double levelSse(double[] y, int from, int to) {
    double mean = 0;
    for (int i = from; i < to; i++) {
      mean += y[i];
    }
    mean /= to - from;
    double sse = 0;
    for (int i = from; i < to; i++) {
      sse += (y[i] - mean) * (y[i] - mean);
    }
    return sse;
  }

  @Test
  void shouldGiveTheR2OfTheLeastSquaresLineAsOlsReportsIt() {
    Random random = new Random(31);
    for (int trial = 0; trial < 30; trial++) {
      int n = 3 + random.nextInt(100);
      double[] x = bucketXs(n, 60);
      double[] y = new double[n];
      double slope = random.nextGaussian() * 1e5;
      for (int i = 0; i < n; i++) {
        y[i] = 1e9 + slope * x[i] + 1e8 * random.nextGaussian();
      }
      TrendMath.Fit fit = TrendMath.ols(x, y, 0, n);

      assertThat(TrendMath.r2Of(x, y, 0, n, fit.slope(), fit.intercept())).isCloseTo(fit.r2(), within(1e-9));
      assertThat(TrendMath.r2Of(x, y, 0, n, fit.slope() * 1.5 + 1e3, fit.intercept())).isLessThan(fit.r2());
    }
    assertThat(TrendMath.r2Of(new double[] {1}, new double[] {1}, 0, 1, 1, 0)).isZero();
    assertThat(TrendMath.r2Of(new double[] {1, 2}, new double[] {5, 5}, 0, 2, 0, 5)).isZero();
  }
}

package dev.foreshock.detect.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
}

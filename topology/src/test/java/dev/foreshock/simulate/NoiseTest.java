package dev.foreshock.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NoiseTest {

  @ParameterizedTest
  @ValueSource(doubles = {0.3, 4.0, 35.0, 41.0, 2_500.0})
  void shouldDrawPoissonWithItsMeanAndVariance(double mean) {
    Random rnd = new Random(17);
    int n = 40_000;
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      long k = Noise.poisson(rnd, mean);
      assertThat(k).isNotNegative();
      sum += k;
      squares += (double) k * k;
    }
    double m = sum / n;
    assertThat(m).isCloseTo(mean, offset(Math.max(0.02, 0.03 * mean)));
    assertThat(squares / n - m * m).isCloseTo(mean, offset(Math.max(0.05, 0.06 * mean)));
  }

  @ParameterizedTest
  @CsvSource({"10,0.001", "200,0.01", "5000,0.002", "5000,0.4", "300,0.97", "7,1.0", "0,0.5"})
  void shouldDrawBinomialWithinBoundsAndWithItsMean(long trials, double p) {
    Random rnd = new Random(5);
    int n = 20_000;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      long k = Noise.binomial(rnd, trials, p);
      assertThat(k).isBetween(0L, trials);
      sum += k;
    }
    assertThat(sum / n).isCloseTo(trials * p, offset(Math.max(0.02, 0.03 * trials * p)));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 99})
  void shouldDrawStandardNormalReproducibly(long seed) {
    Random a = new Random(seed);
    Random b = new Random(seed);
    int n = 50_000;
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double g = Noise.gaussian(a);
      assertThat(Noise.gaussian(b)).isEqualTo(g);
      sum += g;
      squares += g * g;
    }
    assertThat(sum / n).isCloseTo(0, offset(0.02));
    assertThat(squares / n).isCloseTo(1, offset(0.03));
  }
}

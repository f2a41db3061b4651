package dev.foreshock.detect.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RobustBaselineTest {

  @Test
  void shouldGiveMedianAndMadOfOddAndEvenCounts() {
    RobustBaseline odd = new RobustBaseline(10);
    for (long v : new long[] {1, 9, 3, 7, 5}) {
      odd.add(v);
    }
    assertThat(odd.median()).isEqualTo(5.0);
    assertThat(odd.mad()).isEqualTo(2.0);

    RobustBaseline even = new RobustBaseline(10);
    for (long v : new long[] {4, 1, 3, 2}) {
      even.add(v);
    }
    assertThat(even.median()).isEqualTo(2.5);
    assertThat(even.mad()).isEqualTo(1.0);
  }

  @Test
  void shouldNotBePoisonedWhenAFewBurstsSlipIn() {
    Random rnd = new Random(11);
    RobustBaseline b = new RobustBaseline(360);
    for (int i = 0; i < 360; i++) {
      b.add(i % 60 == 0 ? 400 + rnd.nextInt(200) : poisson(rnd, 6));
    }
    assertThat(b.median()).isBetween(4.0, 8.0);
    assertThat(b.threshold(6, 3, 10)).isBetween(18.0, 40.0);
  }

  @Test
  void shouldFloorTheSpreadWhenAllSamplesAreEqual() {
    RobustBaseline zeros = new RobustBaseline(20);
    zeros.addRepeated(0, 20);
    assertThat(zeros.mad()).isZero();
    assertThat(zeros.scale()).isEqualTo(1.0);
    assertThat(zeros.threshold(6, 3, 10)).isEqualTo(10.0);

    RobustBaseline sixteens = new RobustBaseline(20);
    sixteens.addRepeated(16, 20);
    assertThat(sixteens.scale()).isEqualTo(4.0);
    assertThat(sixteens.threshold(6, 3, 10)).isEqualTo(48.0);
    assertThat(sixteens.threshold(6, 1, 10)).isEqualTo(40.0);
  }

  @Test
  void shouldAnswerTheMinimumWhenEmpty() {
    RobustBaseline b = new RobustBaseline(5);
    assertThat(b.size()).isZero();
    assertThat(b.median()).isZero();
    assertThat(b.threshold(6, 3, 7)).isEqualTo(7.0);
  }

  @Test
  void shouldForgetTheOldestSamplesWhenFull() {
    RobustBaseline b = new RobustBaseline(5);
    for (long v = 1; v <= 12; v++) {
      b.add(v);
    }
    assertThat(b.size()).isEqualTo(5);
    assertThat(b.samples()).containsExactly(8, 9, 10, 11, 12);
    assertThat(b.median()).isEqualTo(10.0);

    b.addRepeated(0, 1_000_000);
    assertThat(b.samples()).containsExactly(0, 0, 0, 0, 0);
  }

  @Test
  void shouldRestoreTheLastSamplesInOrder() {
    RobustBaseline b = RobustBaseline.of(3, 1, new long[] {5, 6, 7, 8});
    assertThat(b.samples()).containsExactly(6, 7, 8);
    b.add(9);
    assertThat(b.samples()).containsExactly(7, 8, 9);
    assertThat(RobustBaseline.of(3, 1, null).size()).isZero();
  }

  @Test
  void shouldRefreshStatisticsOnlyEveryNSamplesWhenAsked() {
    RobustBaseline b = new RobustBaseline(100, 4);
    b.addRepeated(2, 10);
    assertThat(b.median()).isEqualTo(2.0);
    b.addRepeated(50, 3);
    assertThat(b.median()).as("stale until 4 new samples").isEqualTo(2.0);
    b.addRepeated(50, 1);
    assertThat(b.median()).isEqualTo(2.0);
    b.addRepeated(50, 10);
    assertThat(b.median()).isCloseTo(50.0, within(0.01));
  }

  static long poisson(Random rnd, double mean) {
    double l = Math.exp(-mean);
    long k = 0;
    double p = 1;
    do {
      k++;
      p *= rnd.nextDouble();
    } while (p > l);
    return k - 1;
  }
}

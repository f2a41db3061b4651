package dev.foreshock.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CurvesTest {

  @ParameterizedTest
  @CsvSource({"60000,0.0,0.05", "600000,0.3,0.02", "1800000,0.15,0.2"})
  void shouldRiseSlowlyFallFastAndStayWithinZeroAndOne(long period, double jitter, double fall) {
    long from = 1_750_000_000_000L;
    long to = from + 40 * period;
    Sawtooth saw = new Sawtooth(new Random(3), from, to, period, jitter, fall);
    int drops = 0;
    double previous = saw.at(from);
    double max = 0;
    double min = 1;
    long step = period / 200;
    for (long t = from + step; t < to; t += step) {
      double v = saw.at(t);
      assertThat(v).isBetween(0.0, 1.0);
      if (v < previous - 0.3) {
        drops++;
      }
      max = Math.max(max, v);
      min = Math.min(min, v);
      previous = v;
    }
    assertThat(max).isCloseTo(1, offset(0.05));
    assertThat(min).isCloseTo(0, offset(0.05 + fall));
    assertThat(drops).as("one steep fall per cycle at most").isLessThanOrEqualTo(41);
  }

  @Test
  void shouldRepeatAtTheGivenPeriodWithoutJitter() {
    long from = 1_750_000_000_000L;
    long period = 300_000;
    Sawtooth saw = new Sawtooth(new Random(8), from, from + 20 * period, period, 0, 0.1);

    for (long t = from + period; t < from + 18 * period; t += 7_919) {
      assertThat(saw.at(t + period)).isCloseTo(saw.at(t), offset(1e-9));
    }
  }

  @Test
  void shouldPeakAtPeakHourOnWeekdaysAndDropToLowAtNightAndScaleWeekends() {
    Curve daily = Curve.daily(14.0, 0.1, 0.6);
    long wednesday = Instant.parse("2025-06-04T00:00:00Z").toEpochMilli();
    long saturday = Instant.parse("2025-06-07T00:00:00Z").toEpochMilli();
    long hour = 3_600_000L;

    assertThat(daily.at(wednesday + 14 * hour)).isCloseTo(1.0, offset(1e-9));
    assertThat(daily.at(wednesday + 2 * hour)).isCloseTo(0.1, offset(1e-9));
    assertThat(daily.at(saturday + 14 * hour)).isCloseTo(0.6, offset(1e-9));
  }

  @Test
  void shouldWanderAroundZeroWithoutTrend() {
    long from = 1_750_000_000_000L;
    long day = 86_400_000L;
    Wander wander = new Wander(new Random(4), from, from + 30 * day, 600_000, 0.01, 0.2);
    double first = 0;
    double last = 0;
    for (long t = from; t < from + 10 * day; t += 60_000) {
      first += wander.at(t);
    }
    for (long t = from + 20 * day; t < from + 30 * day; t += 60_000) {
      last += wander.at(t);
    }
    assertThat(Math.abs(first / 14_400)).isLessThan(0.01);
    assertThat(Math.abs(last / 14_400)).isLessThan(0.01);
  }
}

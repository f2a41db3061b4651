package dev.foreshock.detect.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.foreshock.avro.Severity;
import org.junit.jupiter.api.Test;

class SpikeRuleTest {

  private final SpikeRule rule = new SpikeRule(100, 0.05, 2.0, 5.0, 0.001, 0.20);

  @Test
  void shouldComputeBinomialZScore() {
    assertThat(SpikeRule.zScore(1_000, 20, 0.01)).isCloseTo(10 / Math.sqrt(9.9), within(1e-9));
    assertThat(SpikeRule.zScore(1_000, 10, 0.01)).isZero();
    assertThat(SpikeRule.zScore(400, 0, 0.5)).isCloseTo(-20.0, within(1e-9));
    assertThat(SpikeRule.zScore(0, 0, 0.01)).isZero();
  }

  @Test
  void shouldIgnoreWindowWhenTooFewRequests() {
    assertThat(rule.judgeable(99)).isFalse();
    assertThat(rule.level(99, 90, 0.01)).isNull();
    assertThat(rule.level(100, 90, 0.01)).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void shouldRequireAbsoluteJump() {
    // ratio 4x the baseline and very significant, but only 3 points above it
    assertThat(rule.level(100_000, 4_000, 0.01)).isNull();
    assertThat(rule.level(100_000, 6_100, 0.01)).isEqualTo(Severity.WARNING);
  }

  @Test
  void shouldRequireRelativeJump() {
    // 10 points above a 30 % baseline is not twice the baseline
    assertThat(rule.level(10_000, 4_000, 0.30)).isNull();
    assertThat(rule.level(10_000, 6_000, 0.30)).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void shouldRequireSignificance() {
    // 9 % on 120 requests against 2 %: z = (10.8 - 2.4) / 1.53 = 5.5; on 100 requests 4.4
    assertThat(rule.level(120, 11, 0.02)).isEqualTo(Severity.WARNING);
    assertThat(rule.level(100, 8, 0.02)).isNull();
  }

  @Test
  void shouldUseFloorWhenBaselineIsZero() {
    assertThat(rule.level(200, 12, 0.0)).isEqualTo(Severity.WARNING);
    assertThat(rule.level(200, 9, 0.0)).isNull();
  }

  @Test
  void shouldGradeSeverityByJump() {
    assertThat(rule.level(10_000, 2_000, 0.005)).isEqualTo(Severity.WARNING);
    assertThat(rule.level(10_000, 2_060, 0.005)).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void shouldCallRatioCalmWithinHalfTheMinimumJump() {
    assertThat(rule.calm(0.034, 0.01)).isTrue();
    assertThat(rule.calm(0.036, 0.01)).isFalse();
  }
}

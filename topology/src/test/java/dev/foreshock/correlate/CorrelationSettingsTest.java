package dev.foreshock.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorrelationSettingsTest {

  @Test
  void shouldGiveEachTypeClassItsOwnLookBackIntervalAndStaleness() {
    CorrelationSettings s = CorrelationSettings.from(SettingsSource.of(Map.of(
        "correlation.causes.lookback.growth", "21d", "correlation.min-update.slow", "90m")));
    assertThat(s.lookback(CandidateType.MEMORY_GROWTH)).isEqualTo(Duration.ofDays(21));
    assertThat(s.lookback(CandidateType.ERROR_RATE_SPIKE)).isEqualTo(Duration.ofHours(6));
    assertThat(s.lookback(CandidateType.PERIODIC_CONNECTION_RECYCLING)).isEqualTo(Duration.ofDays(3));
    assertThat(s.minUpdate(CandidateType.PERIODIC_CONNECTION_RECYCLING)).isEqualTo(Duration.ofMinutes(90));
    assertThat(s.minUpdate(CandidateType.INCIDENT)).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.stale(CandidateType.CONNECTION_BURST)).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.stale(CandidateType.INCIDENT)).isZero();
  }

  @Test
  void shouldRejectAChangeRetentionShorterThanTheGrowthLookBack() {
    assertThatThrownBy(() -> CorrelationSettings.from(SettingsSource.of(Map.of(
        "correlation.changes.retention", "20d"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("correlation.changes.retention")
        .hasMessageContaining("correlation.causes.lookback.growth");
  }
}

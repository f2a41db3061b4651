package dev.foreshock.detect.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorRateSettingsTest {

  @Test
  void shouldHaveDocumentedDefaults() {
    ErrorRateSettings s = ErrorRateSettings.defaults();
    assertThat(s.window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.grace()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.minRequests()).isEqualTo(100);
    assertThat(s.baselineWindows()).isEqualTo(120);
    assertThat(s.minBaselineWindows()).isEqualTo(10);
    assertThat(s.minJump()).isEqualTo(0.05);
    assertThat(s.minFactor()).isEqualTo(2.0);
    assertThat(s.zThreshold()).isEqualTo(5.0);
    assertThat(s.baselineFloor()).isEqualTo(0.001);
    assertThat(s.criticalJump()).isEqualTo(0.20);
    assertThat(s.clearWindows()).isEqualTo(3);
    assertThat(s.retention()).isEqualTo(Duration.ofHours(6));
    assertThat(s.idleExpiry()).isEqualTo(Duration.ofHours(24));
    assertThat(s.resendEvery()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void shouldReadOverrides() {
    ErrorRateSettings s = ErrorRateSettings.from(SettingsSource.of(Map.of(
        "errors.window", "1m", "errors.min-requests", "500", "errors.min-jump", "0.1", "errors.critical-jump", "0.3")));
    assertThat(s.window()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.minRequests()).isEqualTo(500);
    assertThat(s.minJump()).isEqualTo(0.1);
    assertThat(s.criticalJump()).isEqualTo(0.3);
  }

  @Test
  void shouldRejectInconsistentSettingsNamingTheKeys() {
    assertThatThrownBy(() -> ErrorRateSettings.from(SettingsSource.of(Map.of("errors.critical-jump", "0.01"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("errors.critical-jump").hasMessageContaining("errors.min-jump");
    assertThatThrownBy(() -> ErrorRateSettings.from(SettingsSource.of(Map.of(
        "errors.baseline-windows", "5", "errors.min-baseline-windows", "6"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("errors.min-baseline-windows");
    assertThatThrownBy(() -> ErrorRateSettings.from(SettingsSource.of(Map.of("errors.min-jump", "2"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("errors.min-jump");
  }
}

package dev.foreshock.detect.gaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GapSettingsTest {

  @Test
  void shouldHaveDocumentedDefaults() {
    GapSettings s = GapSettings.defaults();
    assertThat(s.checkInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.minSamples()).isEqualTo(12);
    assertThat(s.multiple()).isEqualTo(3.0);
    assertThat(s.floor()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.criticalAfter()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.groupWindow()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.changeWindow()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.scaleKinds()).containsExactly("SCALE");
    assertThat(s.replaceKinds()).containsExactlyInAnyOrder("DEPLOY", "ROLLBACK", "UPGRADE");
    assertThat(s.wallClockMaxLag()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.forgetAfter()).isEqualTo(Duration.ofHours(24));
    assertThat(s.resendEvery()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void shouldParseKindListsCaseInsensitively() {
    GapSettings s = GapSettings.from(SettingsSource.of(Map.of("gaps.scale-kinds", "scale, Decommission,,")));
    assertThat(s.scaleKinds()).containsExactlyInAnyOrder("SCALE", "DECOMMISSION");
  }

  @Test
  void shouldRejectForgettingBeforeTheGapTurnsCritical() {
    assertThatThrownBy(() -> GapSettings.from(SettingsSource.of(Map.of(
        "gaps.forget-after", "1h", "gaps.critical-after", "2h"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("gaps.forget-after");
  }

  @Test
  void shouldRejectMinSamplesAboveRememberedIntervals() {
    assertThatThrownBy(() -> GapSettings.from(SettingsSource.of(Map.of("gaps.min-samples", "17"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("gaps.min-samples");
  }
}

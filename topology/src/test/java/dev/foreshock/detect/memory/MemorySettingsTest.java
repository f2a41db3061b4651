package dev.foreshock.detect.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemorySettingsTest {

  @Test
  void shouldDefaultToHourDayWeekWithSeventyTwoHoursLeeway() {
    MemorySettings d = MemorySettings.defaults();

    assertThat(d.horizons()).containsExactly(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(7));
    assertThat(d.judgeHorizon()).isEqualTo(Duration.ofDays(7));
    assertThat(d.growthLeeway()).isEqualTo(Duration.ofHours(72));
    assertThat(d.window()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void shouldSortHorizonsAndReadEveryKey() {
    SettingsSource source = SettingsSource.of(Map.of("memory.horizons", " 14d, 6h ,2d", "memory.growth.leeway", "48h",
        "memory.rapid.window", "90s"));

    MemorySettings s = MemorySettings.from(source);

    assertThat(s.horizons()).isEqualTo(List.of(Duration.ofHours(6), Duration.ofDays(2), Duration.ofDays(14)));
    assertThat(s.growthLeeway()).isEqualTo(Duration.ofHours(48));
    assertThat(s.rapidWindow()).isEqualTo(Duration.ofSeconds(90));
    assertThat(source.unknownKeys()).isEmpty();
  }

  @Test
  void shouldNameTheBadHorizonWhenListCannotBeRead() {
    assertThatThrownBy(() -> MemorySettings.from(SettingsSource.of(Map.of("memory.horizons", "1h,soon"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("memory.horizons = '1h,soon'").hasMessageContaining("'soon'");
  }

  @Test
  void shouldRefuseLongestHorizonShorterThanTwoGrowthSpans() {
    assertThatThrownBy(() -> MemorySettings.from(SettingsSource.of(Map.of("memory.horizons", "1h,1d"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("at least twice memory.growth.min-span");
  }
}

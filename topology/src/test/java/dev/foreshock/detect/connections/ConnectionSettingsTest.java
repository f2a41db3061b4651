package dev.foreshock.detect.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

  @Test
  void shouldReadEveryKeyWithItsDefault() {
    SettingsSource source = SettingsSource.of(Map.of("connections.window", "2s",
        "connections.burst.min-fleet-fraction", "0.25", "connections.period.max", "3h"));
    ConnectionSettings s = ConnectionSettings.from(source);

    assertThat(s.window()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.span()).isEqualTo(Duration.ofSeconds(4));
    assertThat(s.burstMinFleetFraction()).isEqualTo(0.25);
    assertThat(s.periodMax()).isEqualTo(Duration.ofHours(3));
    assertThat(s.grace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.fleetExpiry()).isEqualTo(Duration.ofMinutes(45));
    assertThat(s.periodTolerance()).isEqualTo(0.05);
    assertThat(source.unknownKeys()).isEmpty();
  }

  @Test
  void shouldNameTheKeyWhenAValueIsOutOfRange() {
    assertThatThrownBy(() -> ConnectionSettings.from(SettingsSource.of(Map.of("connections.window", "5m"))))
        .isInstanceOf(SettingsException.class).hasMessageContaining("connections.window");
    assertThatThrownBy(() -> ConnectionSettings.from(SettingsSource.of(Map.of(
        "connections.burst.warning-fleet-fraction", "0.9", "connections.burst.critical-fleet-fraction", "0.8"))))
        .isInstanceOf(SettingsException.class).hasMessageContaining("connections.burst.*-fleet-fraction must rise");
  }
}

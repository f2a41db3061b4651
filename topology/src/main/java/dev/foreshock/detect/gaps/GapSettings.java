package dev.foreshock.detect.gaps;

import dev.foreshock.config.SettingsSource;

/** Settings of the telemetry gap detector (keys {@code gaps.*}). */
public record GapSettings() {

  public static GapSettings defaults() {
    return from(SettingsSource.empty());
  }

  public static GapSettings from(SettingsSource s) {
    return new GapSettings();
  }
}

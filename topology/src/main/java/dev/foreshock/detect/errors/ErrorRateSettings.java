package dev.foreshock.detect.errors;

import dev.foreshock.config.SettingsSource;

/** Settings of the error-rate spike detector (keys {@code errors.*}). */
public record ErrorRateSettings() {

  public static ErrorRateSettings defaults() {
    return from(SettingsSource.empty());
  }

  public static ErrorRateSettings from(SettingsSource s) {
    return new ErrorRateSettings();
  }
}

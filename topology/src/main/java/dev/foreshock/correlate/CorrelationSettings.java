package dev.foreshock.correlate;

import dev.foreshock.config.SettingsSource;

/** Settings of the candidate lifecycle and incident correlation (keys {@code correlation.*}). */
public record CorrelationSettings() {

  public static CorrelationSettings defaults() {
    return from(SettingsSource.empty());
  }

  public static CorrelationSettings from(SettingsSource s) {
    return new CorrelationSettings();
  }
}

package dev.foreshock.detect.connections;

import dev.foreshock.config.SettingsSource;

/** Settings of the connection detectors (bursts, periodic recycling, acquire failures) (keys {@code connections.*}). */
public record ConnectionSettings() {

  public static ConnectionSettings defaults() {
    return from(SettingsSource.empty());
  }

  public static ConnectionSettings from(SettingsSource s) {
    return new ConnectionSettings();
  }
}

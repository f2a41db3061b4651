package dev.foreshock.detect.memory;

import dev.foreshock.config.SettingsSource;

/** Settings of the memory detectors (growth to exhaustion, rapid rise) (keys {@code memory.*}). */
public record MemorySettings() {

  public static MemorySettings defaults() {
    return from(SettingsSource.empty());
  }

  public static MemorySettings from(SettingsSource s) {
    return new MemorySettings();
  }
}

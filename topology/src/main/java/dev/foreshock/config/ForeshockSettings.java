package dev.foreshock.config;

import dev.foreshock.correlate.CorrelationSettings;
import dev.foreshock.detect.connections.ConnectionSettings;
import dev.foreshock.detect.errors.ErrorRateSettings;
import dev.foreshock.detect.gaps.GapSettings;
import dev.foreshock.detect.memory.MemorySettings;
import dev.foreshock.ingest.IngestSettings;

/** Every setting of the topology, typed and validated; one record per stage. */
public record ForeshockSettings(
    IngestSettings ingest,
    ConnectionSettings connections,
    MemorySettings memory,
    ErrorRateSettings errors,
    GapSettings gaps,
    CorrelationSettings correlation) {

  public static ForeshockSettings defaults() {
    return from(SettingsSource.empty());
  }

  public static ForeshockSettings from(SettingsSource s) {
    return new ForeshockSettings(
        IngestSettings.from(s),
        ConnectionSettings.from(s),
        MemorySettings.from(s),
        ErrorRateSettings.from(s),
        GapSettings.from(s),
        CorrelationSettings.from(s));
  }
}

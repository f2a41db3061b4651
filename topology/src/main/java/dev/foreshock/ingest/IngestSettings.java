package dev.foreshock.ingest;

import dev.foreshock.config.SettingsSource;
import java.time.Duration;

/**
 * Rules for accepting telemetry.
 *
 * @param maxFutureSkew how far ahead of the wall clock an event time may be ({@code ingest.max.future.skew})
 * @param maxNameLength longest service, instance, target, resource, host or kind ({@code ingest.max.name.length})
 * @param maxTextLength longest description ({@code ingest.max.text.length})
 * @param maxDependencies most entries in one dependsOn list ({@code ingest.max.dependencies})
 */
public record IngestSettings(Duration maxFutureSkew, int maxNameLength, int maxTextLength, int maxDependencies) {

  public static IngestSettings defaults() {
    return from(SettingsSource.empty());
  }

  public static IngestSettings from(SettingsSource s) {
    return new IngestSettings(
        s.duration("ingest.max.future.skew", Duration.ofMinutes(5), Duration.ZERO, Duration.ofDays(7)),
        s.integer("ingest.max.name.length", 256, 16, 65_536),
        s.integer("ingest.max.text.length", 4_096, 16, 1_048_576),
        s.integer("ingest.max.dependencies", 1_000, 1, 1_000_000));
  }
}

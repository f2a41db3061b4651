package dev.foreshock.detect.connections;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.time.Duration;

/**
 * Settings of the connection detectors (bursts, periodic recycling, acquire failures) (keys
 * {@code connections.*}). Counts of opens and failures are per evaluation span: two adjacent
 * windows (a sliding span of {@code 2 × window}, stepping by one window), so that a burst that
 * straddles a window boundary is still seen whole.
 *
 * @param window length of the tumbling windows ({@code connections.window}, 5s)
 * @param grace how long after its end a window still accepts records ({@code connections.grace}, 5s)
 * @param maxInstancesPerWindow cap on distinct instances and services counted per window
 *     ({@code connections.window.max-instances}, 2000)
 * @param fleetExpiry an instance leaves a target's fleet after this long without any event on it
 *     ({@code connections.fleet.expiry}, 45m; must exceed the longest recycling period)
 * @param fleetWarmup for this long after a target is first seen its fleet is still being discovered
 *     (an instance shows up only when its pool changes), so fleet shares are too high: bursts and
 *     periodic recycling stay INFO ({@code connections.fleet.warmup}, 15m)
 * @param maxFleet cap on a target's fleet ({@code connections.fleet.max-instances}, 5000)
 * @param baselineSpans recent non-burst spans the robust baseline keeps
 *     ({@code connections.baseline.spans}, 360 = 30 min of 5 s)
 * @param baselineMinSpans spans seen before a target can raise anything
 *     ({@code connections.baseline.min-spans}, 12)
 * @param burstMinOpens least opens in a span for a burst ({@code connections.burst.min-opens}, 10)
 * @param burstMinInstances least distinct opening instances ({@code connections.burst.min-instances}, 3)
 * @param burstThresholdScales opens must exceed median + this × robust scale
 *     ({@code connections.burst.threshold-scales}, 6)
 * @param burstMinRatio opens must be at least this × the median ({@code connections.burst.min-ratio}, 3)
 * @param burstMinFleetFraction share of the fleet opening in the span for a burst (INFO)
 *     ({@code connections.burst.min-fleet-fraction}, 0.3)
 * @param burstWarningFleetFraction fleet share for WARNING ({@code connections.burst.warning-fleet-fraction}, 0.4)
 * @param burstCriticalFleetFraction fleet share for CRITICAL ({@code connections.burst.critical-fleet-fraction}, 0.75)
 * @param burstMaxDuration a burst longer than this stops being excluded from the baseline (a level
 *     shift, not a burst) ({@code connections.burst.max-duration}, 60s)
 * @param burstClearAfter a burst episode clears after this long without a burst, or after
 *     {@code periodClearAfterPeriods} periods when a period is known ({@code connections.burst.clear-after}, 40m)
 * @param periodMinBursts bursts on one period before recycling is called periodic
 *     ({@code connections.period.min-bursts}, 3)
 * @param periodTolerance relative tolerance on each interval ({@code connections.period.tolerance}, 0.05)
 * @param periodMin shortest period considered ({@code connections.period.min}, 1m)
 * @param periodMax longest period considered ({@code connections.period.max}, 2h)
 * @param periodHistory bursts kept per target for the period estimate ({@code connections.period.history}, 16)
 * @param periodClearAfterPeriods periodic recycling clears after this many periods without a
 *     burst on the grid ({@code connections.period.clear-after-periods}, 2.5)
 * @param periodWarningFleetFraction fleet share of the recent bursts for WARNING
 *     ({@code connections.period.warning-fleet-fraction}, 0.4)
 * @param periodCriticalFleetFraction fleet share for CRITICAL ({@code connections.period.critical-fleet-fraction}, 0.7)
 * @param failuresMin least acquire failures in a span ({@code connections.failures.min}, 5)
 * @param failuresMinInstances least distinct failing instances ({@code connections.failures.min-instances}, 2)
 * @param failuresThresholdScales failures must exceed median + this × robust scale
 *     ({@code connections.failures.threshold-scales}, 6)
 * @param failuresMinRatio failures must be at least this × the median ({@code connections.failures.min-ratio}, 3)
 * @param failuresWarningFleetFraction share of the fleet failing for WARNING (INFO below)
 *     ({@code connections.failures.warning-fleet-fraction}, 0.2)
 * @param failuresCriticalFleetFraction share failing for CRITICAL
 *     ({@code connections.failures.critical-fleet-fraction}, 0.5)
 * @param failuresClearAfter failures clear after this long at baseline ({@code connections.failures.clear-after}, 2m)
 * @param storeRetention retention of the per-window store ({@code connections.store.retention}, 24h)
 * @param checkpointInterval how often a target's baseline and fleet are written to the state store
 *     ({@code connections.checkpoint}, 1m)
 * @param idleExpiry a target without events for this long is forgotten ({@code connections.idle-expiry}, 6h)
 */
public record ConnectionSettings(
    Duration window,
    Duration grace,
    int maxInstancesPerWindow,
    Duration fleetExpiry,
    Duration fleetWarmup,
    int maxFleet,
    int baselineSpans,
    int baselineMinSpans,
    int burstMinOpens,
    int burstMinInstances,
    double burstThresholdScales,
    double burstMinRatio,
    double burstMinFleetFraction,
    double burstWarningFleetFraction,
    double burstCriticalFleetFraction,
    Duration burstMaxDuration,
    Duration burstClearAfter,
    int periodMinBursts,
    double periodTolerance,
    Duration periodMin,
    Duration periodMax,
    int periodHistory,
    double periodClearAfterPeriods,
    double periodWarningFleetFraction,
    double periodCriticalFleetFraction,
    int failuresMin,
    int failuresMinInstances,
    double failuresThresholdScales,
    double failuresMinRatio,
    double failuresWarningFleetFraction,
    double failuresCriticalFleetFraction,
    Duration failuresClearAfter,
    Duration storeRetention,
    Duration checkpointInterval,
    Duration idleExpiry) {

  public ConnectionSettings {
    if (burstWarningFleetFraction < burstMinFleetFraction || burstCriticalFleetFraction < burstWarningFleetFraction) {
      throw new SettingsException("connections.burst.*-fleet-fraction must rise: min " + burstMinFleetFraction
          + " <= warning " + burstWarningFleetFraction + " <= critical " + burstCriticalFleetFraction);
    }
    if (periodCriticalFleetFraction < periodWarningFleetFraction) {
      throw new SettingsException("connections.period.critical-fleet-fraction " + periodCriticalFleetFraction
          + " is below connections.period.warning-fleet-fraction " + periodWarningFleetFraction);
    }
    if (failuresCriticalFleetFraction < failuresWarningFleetFraction) {
      throw new SettingsException("connections.failures.critical-fleet-fraction "
          + failuresCriticalFleetFraction + " is below connections.failures.warning-fleet-fraction "
          + failuresWarningFleetFraction);
    }
    if (periodMax.compareTo(periodMin) <= 0) {
      throw new SettingsException("connections.period.max " + periodMax + " must exceed connections.period.min "
          + periodMin);
    }
    if (storeRetention.compareTo(window) < 0) {
      throw new SettingsException("connections.store.retention " + storeRetention
          + " is shorter than connections.window " + window);
    }
  }

  public static ConnectionSettings defaults() {
    return from(SettingsSource.empty());
  }

  public static ConnectionSettings from(SettingsSource s) {
    Duration ms = Duration.ofMillis(1);
    Duration day = Duration.ofDays(1);
    return new ConnectionSettings(
        s.duration("connections.window", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1)),
        s.duration("connections.grace", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5)),
        s.integer("connections.window.max-instances", 2000, 10, 1_000_000),
        s.duration("connections.fleet.expiry", Duration.ofMinutes(45), Duration.ofMinutes(1), day),
        s.duration("connections.fleet.warmup", Duration.ofMinutes(15), Duration.ZERO, day),
        s.integer("connections.fleet.max-instances", 5000, 10, 1_000_000),
        s.integer("connections.baseline.spans", 360, 12, 100_000),
        s.integer("connections.baseline.min-spans", 12, 1, 100_000),
        s.integer("connections.burst.min-opens", 10, 1, 1_000_000),
        s.integer("connections.burst.min-instances", 3, 1, 1_000_000),
        s.decimal("connections.burst.threshold-scales", 6.0, 0.0, 1_000.0),
        s.decimal("connections.burst.min-ratio", 3.0, 1.0, 1_000.0),
        s.decimal("connections.burst.min-fleet-fraction", 0.3, 0.0, 1.0),
        s.decimal("connections.burst.warning-fleet-fraction", 0.4, 0.0, 1.0),
        s.decimal("connections.burst.critical-fleet-fraction", 0.75, 0.0, 1.0),
        s.duration("connections.burst.max-duration", Duration.ofSeconds(60), ms, day),
        s.duration("connections.burst.clear-after", Duration.ofMinutes(40), ms, Duration.ofDays(7)),
        s.integer("connections.period.min-bursts", 3, 3, 1_000),
        s.decimal("connections.period.tolerance", 0.05, 0.001, 0.4),
        s.duration("connections.period.min", Duration.ofMinutes(1), Duration.ofSeconds(1), day),
        s.duration("connections.period.max", Duration.ofHours(2), Duration.ofSeconds(2), Duration.ofDays(7)),
        s.integer("connections.period.history", 16, 3, 256),
        s.decimal("connections.period.clear-after-periods", 2.5, 1.1, 100.0),
        s.decimal("connections.period.warning-fleet-fraction", 0.4, 0.0, 1.0),
        s.decimal("connections.period.critical-fleet-fraction", 0.7, 0.0, 1.0),
        s.integer("connections.failures.min", 5, 1, 1_000_000),
        s.integer("connections.failures.min-instances", 2, 1, 1_000_000),
        s.decimal("connections.failures.threshold-scales", 6.0, 0.0, 1_000.0),
        s.decimal("connections.failures.min-ratio", 3.0, 1.0, 1_000.0),
        s.decimal("connections.failures.warning-fleet-fraction", 0.2, 0.0, 1.0),
        s.decimal("connections.failures.critical-fleet-fraction", 0.5, 0.0, 1.0),
        s.duration("connections.failures.clear-after", Duration.ofMinutes(2), ms, day),
        s.duration("connections.store.retention", Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofDays(30)),
        s.duration("connections.checkpoint", Duration.ofMinutes(1), ms, day),
        s.duration("connections.idle-expiry", Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofDays(30)));
  }

  /** The evaluation span: two adjacent windows. */
  public Duration span() {
    return window.multipliedBy(2);
  }
}

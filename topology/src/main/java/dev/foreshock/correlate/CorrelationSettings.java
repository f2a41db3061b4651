package dev.foreshock.correlate;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.time.Duration;

/**
 * Settings of the candidate lifecycle, incident grouping and probable causes (keys
 * {@code correlation.*}). Candidate types fall into three classes: <em>fast</em>
 * ({@code CONNECTION_BURST}, {@code CONNECTION_FAILURES}, {@code MEMORY_RAPID_RISE},
 * {@code ERROR_RATE_SPIKE}, {@code TELEMETRY_GAP}), <em>periodic</em>
 * ({@code PERIODIC_CONNECTION_RECYCLING}) and <em>growth</em> ({@code MEMORY_GROWTH}).
 *
 * @param holdOff how long an episode must go without an active signal, after a cleared signal, before
 *     it is RESOLVED ({@code correlation.hold-off}, 10m)
 * @param tick stream-time punctuation interval: flushes rate-limited updates, resolves, expires
 *     ({@code correlation.tick}, 30s)
 * @param staleFast an open fast episode with no active signal for this long starts its hold-off as if
 *     cleared ({@code correlation.stale.fast}, 30m; 0 = never)
 * @param staleSlow the same for periodic and growth episodes ({@code correlation.stale.slow}, 6h; 0 = never)
 * @param minUpdateFast least time between two UPDATED records of a fast episode, unless severity
 *     rises ({@code correlation.min-update.fast}, 5m)
 * @param minUpdateSlow the same for periodic and growth episodes ({@code correlation.min-update.slow}, 1h)
 * @param minUpdateIncident the same for incidents ({@code correlation.min-update.incident}, 2m)
 * @param deescalateAfter a lower severity must hold this long before it is emitted
 *     ({@code correlation.deescalate-after}, 30m)
 * @param lookbackFast how far before the onset a change may be a probable cause of a fast candidate
 *     ({@code correlation.causes.lookback.fast}, 6h)
 * @param lookbackPeriodic the same for periodic recycling ({@code correlation.causes.lookback.periodic}, 3d)
 * @param lookbackGrowth the same for memory growth, before its estimated onset
 *     ({@code correlation.causes.lookback.growth}, 30d)
 * @param maxCauses most probable causes listed ({@code correlation.causes.max}, 5)
 * @param changeRetention how long change events are kept ({@code correlation.changes.retention}, 35d;
 *     at least the growth look-back plus its after-onset slack)
 * @param edgeTtl a dependency learned from connection events expires when not seen for this long
 *     ({@code correlation.edges.ttl}, 6h)
 * @param edgeRefresh each detector task re-sends a learned dependency at most this often
 *     ({@code correlation.edges.refresh}, 10m)
 * @param historySize records kept per candidate in the query store ({@code correlation.history.size}, 20)
 * @param historyRetention how long a RESOLVED candidate stays in the query store
 *     ({@code correlation.history.retention}, 7d)
 * @param lateGrouping how long, in stream time, a RESOLVED candidate that belongs to no incident can
 *     still be grouped with a related candidate that arrives late but overlapped it in event time
 *     (signals of different detector tasks reach the correlation task out of event-time order)
 *     ({@code correlation.late-grouping}, 1h; 0 = never)
 * @param siblingWindow two or more services depending on the same upstream, with candidates at
 *     WARNING or above that open within this interval of each other, are grouped under that upstream
 *     even without a candidate on it ({@code correlation.sibling-window}, 3m; 0 = never)
 */
public record CorrelationSettings(
    Duration holdOff,
    Duration tick,
    Duration staleFast,
    Duration staleSlow,
    Duration minUpdateFast,
    Duration minUpdateSlow,
    Duration minUpdateIncident,
    Duration deescalateAfter,
    Duration lookbackFast,
    Duration lookbackPeriodic,
    Duration lookbackGrowth,
    int maxCauses,
    Duration changeRetention,
    Duration edgeTtl,
    Duration edgeRefresh,
    int historySize,
    Duration historyRetention,
    Duration lateGrouping,
    Duration siblingWindow) {

  private static final Duration MAX = Duration.ofDays(365);

  public CorrelationSettings {
    Duration needed = lookbackGrowth.plus(afterOnset(lookbackGrowth));
    if (changeRetention.compareTo(needed) < 0) {
      throw new SettingsException("correlation.changes.retention = " + changeRetention
          + " must be at least correlation.causes.lookback.growth plus 1/24 of it (" + needed + ")");
    }
  }

  public static CorrelationSettings defaults() {
    return from(SettingsSource.empty());
  }

  public static CorrelationSettings from(SettingsSource s) {
    Duration ms = Duration.ofMillis(1);
    return new CorrelationSettings(
        s.duration("correlation.hold-off", Duration.ofMinutes(10), Duration.ZERO, Duration.ofDays(7)),
        s.duration("correlation.tick", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1)),
        s.duration("correlation.stale.fast", Duration.ofMinutes(30), Duration.ZERO, MAX),
        s.duration("correlation.stale.slow", Duration.ofHours(6), Duration.ZERO, MAX),
        s.duration("correlation.min-update.fast", Duration.ofMinutes(5), Duration.ZERO, Duration.ofDays(7)),
        s.duration("correlation.min-update.slow", Duration.ofHours(1), Duration.ZERO, Duration.ofDays(7)),
        s.duration("correlation.min-update.incident", Duration.ofMinutes(2), Duration.ZERO, Duration.ofDays(7)),
        s.duration("correlation.deescalate-after", Duration.ofMinutes(30), Duration.ZERO, Duration.ofDays(7)),
        s.duration("correlation.causes.lookback.fast", Duration.ofHours(6), ms, MAX),
        s.duration("correlation.causes.lookback.periodic", Duration.ofDays(3), ms, MAX),
        s.duration("correlation.causes.lookback.growth", Duration.ofDays(30), ms, MAX),
        s.integer("correlation.causes.max", 5, 0, 100),
        s.duration("correlation.changes.retention", Duration.ofDays(35), Duration.ofMinutes(1), Duration.ofDays(3650)),
        s.duration("correlation.edges.ttl", Duration.ofHours(6), Duration.ofMinutes(1), MAX),
        s.duration("correlation.edges.refresh", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(1)),
        s.integer("correlation.history.size", 20, 1, 10_000),
        s.duration("correlation.history.retention", Duration.ofDays(7), Duration.ZERO, MAX),
        s.duration("correlation.late-grouping", Duration.ofHours(1), Duration.ZERO, Duration.ofDays(7)),
        s.duration("correlation.sibling-window", Duration.ofMinutes(3), Duration.ZERO, Duration.ofHours(6)));
  }

  /** Changes this long after the onset still count (they may be logged late): 1/24 of the look-back. */
  static Duration afterOnset(Duration lookback) {
    return lookback.dividedBy(24);
  }

  /** How far before the onset of a candidate of this type a change may be a probable cause. */
  Duration lookback(CandidateType type) {
    return switch (type) {
      case MEMORY_GROWTH -> lookbackGrowth;
      case PERIODIC_CONNECTION_RECYCLING -> lookbackPeriodic;
      default -> lookbackFast;
    };
  }

  /** Least time between two rate-limited records of an episode of this type. */
  Duration minUpdate(CandidateType type) {
    return switch (type) {
      case INCIDENT -> minUpdateIncident;
      case MEMORY_GROWTH, PERIODIC_CONNECTION_RECYCLING -> minUpdateSlow;
      default -> minUpdateFast;
    };
  }

  /** No active signal for this long starts the hold-off; zero means never. */
  Duration stale(CandidateType type) {
    return switch (type) {
      case MEMORY_GROWTH, PERIODIC_CONNECTION_RECYCLING -> staleSlow;
      case INCIDENT -> Duration.ZERO;
      default -> staleFast;
    };
  }
}

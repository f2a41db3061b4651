package dev.foreshock.detect.memory;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the memory detectors (growth to exhaustion, rapid rise) (keys {@code memory.*}).
 *
 * @param window length of the downsampling windows (min, max, mean, last per resource)
 * @param windowRetention how long the per-window figures stay queryable
 * @param hostExpiry a host of a resource that has not reported for this long no longer counts
 * @param idleExpiry a resource that has not reported for this long (stream time) is forgotten
 * @param horizons the trend horizons, shortest first; the longest judges growth
 * @param horizonPoints number of buckets per horizon (bucket = horizon / points, at least one window)
 * @param growthMinSpan shortest stretch of growth that is judged (one daily cycle, so that a
 *     morning ramp is never taken for a leak)
 * @param growthMinR2 least fit quality of the envelope trend since the onset
 * @param growthHalfRatio each half of the stretch of growth must rise at least this share of the whole
 *     slope (a step that then stays flat rises in one half only; a daily rhythm falls in one)
 * @param growthLeeway CRITICAL when exhaustion is projected within this time
 * @param growthFastWithin growth that reaches the limit within this time is judged on the shortest
 *     horizon as well (hours: too fast to wait a day, too slow for a rapid rise)
 * @param growthWarnWithin WARNING when exhaustion is projected within this time (beyond: no candidate)
 * @param growthPersistence consecutive evaluations that must agree before growth is reported
 * @param growthClearAfter growth clears when no evaluation has held for this long
 * @param growthMaterialChange share of the remaining time by which the projected exhaustion must
 *     move before an active signal is re-emitted
 * @param growthResend an active growth signal is re-sent at least this often even when nothing
 *     changed, so that the lifecycle keeps the episode fresh ({@code memory.growth.resend}, 1h;
 *     0 = only on change; must stay below {@code correlation.stale.slow})
 * @param rapidWindow the stretch of raw samples that the rapid-rise slope is fitted over
 * @param rapidMinSamples least samples in the rapid window
 * @param rapidHorizon CRITICAL rapid rise when the limit is projected within this time
 * @param rapidMinRise least rise within the rapid window, as a share of the limit
 * @param rapidBreakout the climb must exceed the highest level of the recent history by this share
 *     of the limit (a GC sawtooth that climbs as steeply every cycle does not)
 * @param rapidMinR2 least fit quality of the rapid-window line
 * @param rapidHistory how far back the highest normal level is taken from
 * @param rapidMinHistory least history of a resource before a rapid rise can be told from its rhythm
 * @param rapidClearAfter a rapid rise clears when it has not held for this long
 * @param cacheEntries series held in memory per task (about 10 KB each); the rest stay in the
 *     {@code memory-series} store and are loaded on their next sample ({@code memory.cache.entries})
 */
public record MemorySettings(
    Duration window,
    Duration windowRetention,
    Duration hostExpiry,
    Duration idleExpiry,
    List<Duration> horizons,
    int horizonPoints,
    Duration growthMinSpan,
    double growthMinR2,
    double growthHalfRatio,
    Duration growthLeeway,
    Duration growthFastWithin,
    Duration growthWarnWithin,
    int growthPersistence,
    Duration growthClearAfter,
    double growthMaterialChange,
    Duration growthResend,
    Duration rapidWindow,
    int rapidMinSamples,
    Duration rapidHorizon,
    double rapidMinRise,
    double rapidBreakout,
    double rapidMinR2,
    Duration rapidHistory,
    Duration rapidMinHistory,
    Duration rapidClearAfter,
    int cacheEntries) {

  /** Series held in memory per task by default: about 20 MB of heap at about 10 KB a series. */
  public static final int DEFAULT_CACHE_ENTRIES = 2_000;

  public MemorySettings {
    horizons = List.copyOf(horizons);
    if (horizons.isEmpty()) {
      throw new SettingsException("memory.horizons is empty: give at least one horizon such as 7d");
    }
    Duration longest = horizons.get(horizons.size() - 1);
    if (longest.compareTo(growthMinSpan.multipliedBy(2)) < 0) {
      throw new SettingsException("memory.horizons: the longest horizon (" + longest
          + ") must be at least twice memory.growth.min-span (" + growthMinSpan + ")");
    }
    if (window.compareTo(rapidWindow) > 0) {
      throw new SettingsException("memory.window (" + window + ") must not be longer than memory.rapid.window ("
          + rapidWindow + ")");
    }
  }

  public static MemorySettings defaults() {
    return from(SettingsSource.empty());
  }

  public static MemorySettings from(SettingsSource s) {
    Duration window = s.duration("memory.window", Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMinutes(10));
    return new MemorySettings(
        window,
        s.duration("memory.window-retention", Duration.ofHours(48), Duration.ofHours(1), Duration.ofDays(30)),
        s.duration("memory.host-expiry", Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(24)),
        s.duration("memory.idle-expiry", Duration.ofDays(8), Duration.ofHours(1), Duration.ofDays(365)),
        horizons(s.string("memory.horizons", "1h,1d,7d")),
        s.integer("memory.horizon-points", 84, 12, 240),
        s.duration("memory.growth.min-span", Duration.ofHours(24), Duration.ofHours(1), Duration.ofDays(7)),
        s.decimal("memory.growth.min-r2", 0.6, 0, 1),
        s.decimal("memory.growth.half-ratio", 0.5, 0, 1),
        s.duration("memory.growth.leeway", Duration.ofHours(72), Duration.ofHours(1), Duration.ofDays(60)),
        s.duration("memory.growth.fast-within", Duration.ofHours(12), Duration.ZERO, Duration.ofDays(7)),
        s.duration("memory.growth.warn-within", Duration.ofDays(30), Duration.ofHours(1), Duration.ofDays(365)),
        s.integer("memory.growth.persistence", 2, 1, 24),
        s.duration("memory.growth.clear-after", Duration.ofHours(12), Duration.ZERO, Duration.ofDays(7)),
        s.decimal("memory.growth.material-change", 0.25, 0.01, 10),
        s.duration("memory.growth.resend", Duration.ofHours(1), Duration.ZERO, Duration.ofDays(7)),
        s.duration("memory.rapid.window", Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofMinutes(30)),
        s.integer("memory.rapid.min-samples", 4, 3, 60),
        s.duration("memory.rapid.horizon", Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofHours(6)),
        s.decimal("memory.rapid.min-rise", 0.10, 0.001, 1),
        s.decimal("memory.rapid.breakout", 0.05, 0, 1),
        s.decimal("memory.rapid.min-r2", 0.8, 0, 1),
        s.duration("memory.rapid.history", Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofHours(24)),
        s.duration("memory.rapid.min-history", Duration.ofMinutes(10), Duration.ZERO, Duration.ofHours(24)),
        s.duration("memory.rapid.clear-after", Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofHours(24)),
        s.integer("memory.cache.entries", DEFAULT_CACHE_ENTRIES, 1, 10_000_000));
  }

  private static List<Duration> horizons(String value) {
    SettingsSource one;
    List<Duration> out = new ArrayList<>();
    for (String part : value.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      one = SettingsSource.of(java.util.Map.of("memory.horizons", p));
      try {
        out.add(one.duration("memory.horizons", Duration.ZERO, Duration.ofMinutes(10), Duration.ofDays(90)));
      } catch (SettingsException e) {
        throw new SettingsException("memory.horizons = '" + value + "': horizon '" + p
            + "' is not a duration between 10m and 90d, e.g. 1h,1d,7d");
      }
    }
    out.sort(null);
    return out;
  }

  /** The horizon that judges growth: the longest. */
  public Duration judgeHorizon() {
    return horizons.get(horizons.size() - 1);
  }
}

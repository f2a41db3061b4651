package dev.foreshock.detect.gaps;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings of the telemetry gap detector (keys {@code gaps.*}).
 *
 * @param checkInterval how often silences are checked, in stream time and in wall-clock time
 * @param minSamples reports in a row, without a gap, before a source counts as steady
 * @param multiple a source is silent after {@code multiple} times its usual longest interval ...
 * @param floor ... but never sooner than this
 * @param criticalAfter a service or resource silent this long is CRITICAL (WARNING before)
 * @param groupWindow instances of one service that fall silent within this of each other stopped
 *     together (a scale-in or a replacement), and are not flagged; also the extra wait before an
 *     instance is judged
 * @param changeWindow a source that falls silent up to this long after a change of
 *     {@code scaleKinds} on it (or on its service) is not flagged
 * @param scaleKinds change kinds that explain any silence of their target: the service, its
 *     instances, or the resource (upper case)
 * @param replaceKinds change kinds that explain silent instances of their target service, but not
 *     a silent service (upper case)
 * @param wallClockMaxLag wall-clock silence counts only for sources whose records arrive within
 *     this of their event time (live data); replays of old data rely on stream time alone
 * @param forgetAfter sources silent this long are forgotten (bounded state)
 * @param resendEvery while a gap lasts, its active signal is sent again at least this often (with
 *     the silence so far), so that the lifecycle does not take it for stale
 * @param cacheEntries sources held in memory per task (under 0.5 KB each); the others live in the
 *     {@code gap-sources} store only ({@code gaps.cache.entries})
 * @param sweepEntries once a task has more sources than it holds, each check also judges stored
 *     sources that are not held, resuming where the last check stopped: two per record processed
 *     since the last check, at least 500, at most this many ({@code gaps.sweep-entries})
 */
public record GapSettings(
    Duration checkInterval,
    int minSamples,
    double multiple,
    Duration floor,
    Duration criticalAfter,
    Duration groupWindow,
    Duration changeWindow,
    Set<String> scaleKinds,
    Set<String> replaceKinds,
    Duration wallClockMaxLag,
    Duration forgetAfter,
    Duration resendEvery,
    int cacheEntries,
    int sweepEntries) {

  public GapSettings {
    scaleKinds = Set.copyOf(scaleKinds);
    replaceKinds = Set.copyOf(replaceKinds);
    if (forgetAfter.compareTo(criticalAfter) <= 0 || forgetAfter.compareTo(floor) <= 0) {
      throw new SettingsException("gaps.forget-after = " + forgetAfter
          + " must be longer than gaps.floor and gaps.critical-after");
    }
  }

  public static GapSettings defaults() {
    return from(SettingsSource.empty());
  }

  public static GapSettings from(SettingsSource s) {
    return new GapSettings(
        s.duration("gaps.check-interval", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5)),
        s.integer("gaps.min-samples", 12, 3, Cadence.RING),
        s.decimal("gaps.multiple", 3.0, 1.5, 1_000.0),
        s.duration("gaps.floor", Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofDays(1)),
        s.duration("gaps.critical-after", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(7)),
        s.duration("gaps.group-window", Duration.ofMinutes(2), Duration.ZERO, Duration.ofHours(1)),
        s.duration("gaps.change-window", Duration.ofMinutes(30), Duration.ZERO, Duration.ofDays(1)),
        kinds(s.string("gaps.scale-kinds", "SCALE")),
        kinds(s.string("gaps.replace-kinds", "DEPLOY,ROLLBACK,UPGRADE")),
        s.duration("gaps.wall-clock-max-lag", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(7)),
        s.duration("gaps.forget-after", Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofDays(30)),
        s.duration("gaps.resend-every", Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofDays(1)),
        s.integer("gaps.cache.entries", 10_000, 1, 10_000_000),
        s.integer("gaps.sweep-entries", 5_000, 1, 10_000_000));
  }

  private static Set<String> kinds(String list) {
    return Arrays.stream(list.split(","))
        .map(k -> k.trim().toUpperCase(Locale.ROOT))
        .filter(k -> !k.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }
}

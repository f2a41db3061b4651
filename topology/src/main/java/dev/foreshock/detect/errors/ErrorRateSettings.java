package dev.foreshock.detect.errors;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.time.Duration;

/**
 * Settings of the error-rate spike detector (keys {@code errors.*}).
 *
 * @param window length of the tumbling windows requests and errors are summed over
 * @param grace how long after a window's end (in stream time) records for it are still accepted
 * @param minRequests a window with fewer requests is neither judged nor learned from
 * @param baselineWindows how many past calm windows the baseline (their median ratio) looks at
 * @param minBaselineWindows windows learned before a service is judged at all (warm-up)
 * @param minJump the error ratio must exceed the baseline by at least this much (absolute)
 * @param minFactor ... and be at least this many times the baseline
 * @param zThreshold ... and be this many standard deviations above it (binomial z-score)
 * @param baselineFloor lowest baseline ratio used for the z-score, so that a service that
 *     normally has no errors does not get an infinitely sharp test
 * @param criticalJump a jump of at least this much (absolute) is CRITICAL, smaller ones WARNING
 * @param clearWindows consecutive windows back near the baseline (within {@code minJump / 2})
 *     that clear a spike; also the windows a lower severity must hold before a downgrade
 * @param retention how long the per-window figures stay queryable
 * @param idleExpiry a service without any request stats for this long is forgotten
 * @param resendEvery while a spike lasts, its active signal is sent again at least this often
 *     (with the figures of the latest judged window), so that the lifecycle does not take it for
 *     stale
 */
public record ErrorRateSettings(
    Duration window,
    Duration grace,
    long minRequests,
    int baselineWindows,
    int minBaselineWindows,
    double minJump,
    double minFactor,
    double zThreshold,
    double baselineFloor,
    double criticalJump,
    int clearWindows,
    Duration retention,
    Duration idleExpiry,
    Duration resendEvery) {

  public ErrorRateSettings {
    if (minBaselineWindows > baselineWindows) {
      throw new SettingsException("errors.min-baseline-windows = " + minBaselineWindows
          + " must not exceed errors.baseline-windows = " + baselineWindows);
    }
    if (criticalJump < minJump) {
      throw new SettingsException("errors.critical-jump = " + criticalJump
          + " must not be below errors.min-jump = " + minJump);
    }
    if (retention.compareTo(window.plus(grace)) < 0) {
      throw new SettingsException("errors.retention = " + retention
          + " must cover errors.window + errors.grace = " + window.plus(grace));
    }
  }

  public static ErrorRateSettings defaults() {
    return from(SettingsSource.empty());
  }

  public static ErrorRateSettings from(SettingsSource s) {
    return new ErrorRateSettings(
        s.duration("errors.window", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10)),
        s.duration("errors.grace", Duration.ofSeconds(15), Duration.ZERO, Duration.ofMinutes(10)),
        s.integer("errors.min-requests", 100, 1, Integer.MAX_VALUE),
        s.integer("errors.baseline-windows", 120, 3, 10_000),
        s.integer("errors.min-baseline-windows", 10, 1, 10_000),
        s.decimal("errors.min-jump", 0.05, 0.0001, 1.0),
        s.decimal("errors.min-factor", 2.0, 1.0, 1_000.0),
        s.decimal("errors.z-threshold", 5.0, 0.0, 100.0),
        s.decimal("errors.baseline-floor", 0.001, 0.0, 0.5),
        s.decimal("errors.critical-jump", 0.20, 0.0001, 1.0),
        s.integer("errors.clear-windows", 3, 1, 1_000),
        s.duration("errors.retention", Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofDays(30)),
        s.duration("errors.idle-expiry", Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofDays(30)),
        s.duration("errors.resend-every", Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofDays(1)));
  }
}

package dev.foreshock.detect.errors;

import dev.foreshock.avro.Severity;

/**
 * The significance test of one window against a baseline error ratio. A window is a spike when
 * its ratio is at least {@code minJump} above the baseline, at least {@code minFactor} times it,
 * and its error count is {@code zThreshold} standard deviations above what the baseline predicts
 * for that many requests (binomial: {@code z = (e - n p) / sqrt(n p (1 - p))}). A surge of
 * requests with an unchanged ratio therefore never qualifies: the ratio does not move, only the
 * z-score's precision does, and the absolute jump guards against that.
 */
final class SpikeRule {

  private final long minRequests;
  private final double minJump;
  private final double minFactor;
  private final double zThreshold;
  private final double baselineFloor;
  private final double criticalJump;

  SpikeRule(ErrorRateSettings s) {
    this(s.minRequests(), s.minJump(), s.minFactor(), s.zThreshold(), s.baselineFloor(), s.criticalJump());
  }

  SpikeRule(long minRequests, double minJump, double minFactor, double zThreshold, double baselineFloor,
      double criticalJump) {
    this.minRequests = minRequests;
    this.minJump = minJump;
    this.minFactor = minFactor;
    this.zThreshold = zThreshold;
    this.baselineFloor = baselineFloor;
    this.criticalJump = criticalJump;
  }

  /** Binomial z-score of {@code errors} out of {@code requests} against ratio {@code p}. */
  static double zScore(long requests, long errors, double p) {
    if (requests <= 0) {
      return 0.0;
    }
    double q = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
    return (errors - requests * q) / Math.sqrt(requests * q * (1 - q));
  }

  /** Whether the window has enough requests to be judged or learned from. */
  boolean judgeable(long requests) {
    return requests >= minRequests;
  }

  /** The window's severity against {@code baseline}, or null when it is not a spike. */
  Severity level(long requests, long errors, double baseline) {
    if (!judgeable(requests)) {
      return null;
    }
    double ratio = ErrorWindow.ratio(requests, errors);
    double jump = ratio - baseline;
    if (jump < minJump || ratio < baseline * minFactor) {
      return null;
    }
    if (zScore(requests, errors, Math.max(baseline, baselineFloor)) < zThreshold) {
      return null;
    }
    return jump >= criticalJump ? Severity.CRITICAL : Severity.WARNING;
  }

  /** Whether the ratio is back near the baseline (within half the minimum jump). */
  boolean calm(double ratio, double baseline) {
    return ratio <= baseline + minJump / 2;
  }
}

package dev.foreshock.detect.errors;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.CandidateSignal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The error-ratio baseline and spike episode of one service, judged one closed window at a time.
 * The baseline is the median ratio of the last {@code baselineWindows} calm windows; windows that
 * are part of a spike (or elevated during one) never enter it, so a spike cannot poison its own
 * baseline. Windows with fewer than {@code minRequests} requests are ignored altogether.
 *
 * <p>Emits only on change: an active signal when a spike starts or its severity changes, a
 * cleared one after {@code clearWindows} calm windows in a row. No Kafka types: state in, state out.
 */
final class SpikeTracker {

  private final ErrorRateSettings settings;
  private final SpikeRule rule;
  private final double[] ring;
  /** The same values as {@code ring}'s first {@code count}, kept sorted: the median is a lookup. */
  private final double[] sorted;
  private int count;
  private int next;
  private Double baseline;
  private long closedUpTo;
  private long lastDataTs;
  private Severity severity;
  private long onsetTs;
  private int calmWindows;
  private int lowerWindows;
  private long lastSignalTs;

  private SpikeTracker(ErrorRateSettings settings, SpikeRule rule) {
    this.settings = settings;
    this.rule = rule;
    this.ring = new double[settings.baselineWindows()];
    this.sorted = new double[settings.baselineWindows()];
    this.closedUpTo = Long.MIN_VALUE;
    this.lastDataTs = Long.MIN_VALUE;
  }

  /** A service never seen before. */
  static SpikeTracker fresh(ErrorRateSettings settings, SpikeRule rule) {
    return new SpikeTracker(settings, rule);
  }

  /** A service as stored; keeps the newest ratios if the history was longer than now allowed. */
  static SpikeTracker restore(ErrorBaseline stored, ErrorRateSettings settings, SpikeRule rule) {
    SpikeTracker t = new SpikeTracker(settings, rule);
    double[] h = stored.history() == null ? new double[0] : stored.history();
    for (int i = Math.max(0, h.length - t.ring.length); i < h.length; i++) {
      t.add(h[i]);
    }
    t.baseline = t.count >= settings.minBaselineWindows() ? t.sortedMedian() : null;
    t.closedUpTo = stored.closedUpTo();
    t.lastDataTs = stored.lastDataTs();
    t.severity = stored.severity();
    t.onsetTs = stored.onsetTs();
    t.calmWindows = stored.calmWindows();
    t.lowerWindows = stored.lowerWindows();
    t.lastSignalTs = stored.lastSignalTs();
    return t;
  }

  ErrorBaseline snapshot(String service) {
    double[] history = new double[count];
    int oldest = count < ring.length ? 0 : next;
    for (int i = 0; i < count; i++) {
      history[i] = ring[(oldest + i) % ring.length];
    }
    return new ErrorBaseline(service, baseline, count, history, closedUpTo, lastDataTs, severity, onsetTs,
        calmWindows, lowerWindows, lastSignalTs);
  }

  /** The current baseline ratio, null while warming up. */
  Double baseline() {
    return baseline;
  }

  long closedUpTo() {
    return closedUpTo;
  }

  void closedUpTo(long ts) {
    closedUpTo = Math.max(closedUpTo, ts);
  }

  long lastDataTs() {
    return lastDataTs;
  }

  boolean inSpike() {
    return severity != null;
  }

  /**
   * Judges one closed window of {@code service} at stream time {@code now}.
   *
   * @return the signal to emit, or null when nothing changed
   */
  CandidateSignal judge(String service, ErrorWindow w, long now) {
    CandidateSignal signal = decide(service, w, now);
    if (signal == null && severity != null && rule.judgeable(w.requests())
        && now - lastSignalTs >= settings.resendEvery().toMillis()) {
      // still spiking: say so again, or the lifecycle would take the episode for stale
      signal = active(service, w, baseline, now);
    }
    return signal;
  }

  private CandidateSignal decide(String service, ErrorWindow w, long now) {
    if (w.requests() > 0) {
      lastDataTs = Math.max(lastDataTs, w.windowEnd());
    }
    if (!rule.judgeable(w.requests())) {
      return null;
    }
    double ratio = w.errorRatio();
    if (baseline == null) {
      learn(ratio);
      return null;
    }
    double b = baseline;
    Severity level = rule.level(w.requests(), w.errors(), b);
    if (severity == null) {
      if (level == null) {
        learn(ratio);
        return null;
      }
      severity = level;
      onsetTs = w.windowStart();
      calmWindows = 0;
      lowerWindows = 0;
      return active(service, w, b, now);
    }
    if (level == null) {
      if (rule.calm(ratio, b)) {
        learn(ratio);
        lowerWindows = 0;
        if (++calmWindows >= settings.clearWindows()) {
          severity = null;
          calmWindows = 0;
          return CandidateSignal.cleared(CandidateType.ERROR_RATE_SPIKE, service, now);
        }
        return null;
      }
      calmWindows = 0;
      // elevated but below the firing bar: a CRITICAL spike that stays there is downgraded
      return lower(Severity.WARNING, service, w, b, now);
    }
    calmWindows = 0;
    if (level.compareTo(severity) > 0) {
      severity = level;
      lowerWindows = 0;
      return active(service, w, b, now);
    }
    return lower(level, service, w, b, now);
  }

  /** Forgets the spike in progress (the service is being forgotten); returns the cleared signal. */
  CandidateSignal abandon(String service, long now) {
    severity = null;
    return CandidateSignal.cleared(CandidateType.ERROR_RATE_SPIKE, service, now);
  }

  private CandidateSignal lower(Severity level, String service, ErrorWindow w, double b, long now) {
    if (level.compareTo(severity) >= 0) {
      lowerWindows = 0;
      return null;
    }
    if (++lowerWindows >= settings.clearWindows()) {
      severity = level;
      lowerWindows = 0;
      return active(service, w, b, now);
    }
    return null;
  }

  private CandidateSignal active(String service, ErrorWindow w, double b, long now) {
    lastSignalTs = now;
    String summary = String.format(Locale.ROOT,
        "%s returns server errors on %.1f%% of requests (%d of %d in %d s), against a baseline of %.2f%%:"
            + " check its recent changes and the dependencies it calls.",
        service, 100 * w.errorRatio(), w.errors(), w.requests(), (w.windowEnd() - w.windowStart()) / 1000,
        100 * b);
    Map<String, Double> evidence = Map.of(
        "errorRatio", w.errorRatio(),
        "baselineRatio", b,
        "requests", (double) w.requests(),
        "errors", (double) w.errors());
    return CandidateSignal.active(CandidateType.ERROR_RATE_SPIKE, service, severity, now,
        w.windowStart(), w.windowEnd(), summary, evidence, onsetTs);
  }

  private void learn(double ratio) {
    add(ratio);
    baseline = count >= settings.minBaselineWindows() ? sortedMedian() : null;
  }

  /** Adds a ratio to the ring and to the sorted copy: O(baselineWindows) moves, no sort. */
  private void add(double ratio) {
    int n = count;
    if (n == ring.length) {
      int at = Arrays.binarySearch(sorted, 0, n, ring[next]);
      System.arraycopy(sorted, at + 1, sorted, at, n - at - 1);
      n--;
    }
    int at = Arrays.binarySearch(sorted, 0, n, ratio);
    if (at < 0) {
      at = -at - 1;
    }
    System.arraycopy(sorted, at, sorted, at + 1, n - at);
    sorted[at] = ratio;
    ring[next] = ratio;
    next = (next + 1) % ring.length;
    count = Math.min(count + 1, ring.length);
  }

  private double sortedMedian() {
    return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
  }
}

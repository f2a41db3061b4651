package dev.foreshock.detect.errors;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The error-rate detector's per-window work: judging one closed window of a service against its
 * baseline (the median of {@code baselineWindows} calm ratios, recomputed as each window joins it)
 * and the binomial z-score of the spike rule.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SpikeBench {

  @Param({"30", "120", "1000"})
  int baselineWindows;

  SpikeTracker tracker;
  ErrorWindow[] windows;
  long windowMs;
  int next;

  @Setup
  public void setUp() {
    ErrorRateSettings settings = ErrorRateSettings.from(dev.foreshock.config.SettingsSource.of(
        java.util.Map.of("errors.baseline-windows", Integer.toString(baselineWindows))));
    windowMs = settings.window().toMillis();
    tracker = SpikeTracker.fresh(settings, new SpikeRule(settings));
    Random rnd = new Random(5);
    windows = new ErrorWindow[1024];
    for (int i = 0; i < windows.length; i++) {
      long requests = 1_000 + rnd.nextInt(200);
      long errors = i % 200 == 199 ? requests / 3 : rnd.nextInt(4);
      windows[i] = new ErrorWindow(0, windowMs, requests, errors, (double) errors / requests, null, true);
    }
    for (int i = 0; i < baselineWindows; i++) {
      judge();
    }
  }

  @Benchmark
  public Object judge() {
    int i = next++;
    ErrorWindow w = windows[i & (windows.length - 1)];
    long start = i * windowMs;
    ErrorWindow at = new ErrorWindow(start, start + windowMs, w.requests(), w.errors(), w.errorRatio(), null, true);
    return tracker.judge("search-api", at, start + windowMs);
  }

  @Benchmark
  public double zScore() {
    ErrorWindow w = windows[next++ & (windows.length - 1)];
    return SpikeRule.zScore(w.requests(), w.errors(), 0.002);
  }
}

package dev.foreshock.detect.connections;

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
 * The period estimate the connection detectors run once per burst: {@code bursts} burst times
 * (default history 16) of a 30-minute recycling period with 10 s jitter, one burst missing and one
 * off-grid burst (a deploy), with the detector's default settings.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PeriodEstimatorBench {

  @Param({"4", "16", "64"})
  int bursts;

  PeriodEstimator estimator;
  long[] times;

  @Setup
  public void setUp() {
    Random rnd = new Random(3);
    long period = 30 * 60_000L;
    times = new long[bursts];
    long t = 1_758_070_800_000L;
    for (int i = 0; i < bursts; i++) {
      boolean missed = i == bursts / 2;
      t += missed ? 2 * period : period;
      times[i] = t + rnd.nextInt(20_000) - 10_000;
    }
    if (bursts > 4) {
      times[bursts / 3] = (times[bursts / 3] + times[bursts / 3 + 1]) / 2; // a deploy between two bursts
    }
    estimator = new PeriodEstimator(3, 0.05, 10_000L, 60_000L, 2 * 3_600_000L);
  }

  @Benchmark
  public Object estimate() {
    return estimator.estimate(times);
  }
}

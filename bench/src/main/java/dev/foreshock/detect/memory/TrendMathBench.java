package dev.foreshock.detect.memory;

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
 * The memory detectors' trend fit ({@link TrendMath}) over one horizon of samples: a slow leak
 * under a GC sawtooth with noise, {@code n} points (a horizon of 10 s samples is 60 to 720).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrendMathBench {

  @Param({"60", "360", "720"})
  int n;

  double[] x;
  double[] y;
  double[] scratch;

  @Setup
  public void setUp() {
    Random rnd = new Random(7);
    x = new double[n];
    y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i * 10.0;
      double sawtooth = (i % 30) / 30.0 * 50e6;
      y[i] = 1.2e9 + 40_000.0 * x[i] + sawtooth + rnd.nextGaussian() * 5e6;
    }
    scratch = new double[n * (n - 1) / 2 + n];
  }

  @Benchmark
  public TrendMath.Fit ols() {
    return TrendMath.ols(x, y, 0, n);
  }

  @Benchmark
  public double theilSen() {
    return TrendMath.theilSenSlope(x, y, 0, n, scratch);
  }

  @Benchmark
  public int hingeChangePoint() {
    return TrendMath.hingeChangePoint(x, y, 0, n, n - 3);
  }

  @Benchmark
  public double bestStepSse() {
    return TrendMath.bestStepSse(y, 0, n);
  }
}

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
 * The memory detectors' trend math ({@link TrendMath}) over one horizon's ring of {@code n} bucket
 * aggregates, laid out as {@code MemoryAnalyzer} lays them out: x in seconds before now, a slow leak
 * under a daily rhythm (12 buckets a day, i.e. 2-h buckets), a GC sawtooth folded into the bucket
 * minima, and noise. The sizes are those the detector uses with the defaults (window 1 min,
 * horizons 1h,1d,7d, horizon-points 84): 60 (the 1-h ring; also about the fast-growth envelope's
 * 46 points and the rapid window's at most 64 raw samples), 84 (the 7-d judging ring; the 1-d ring
 * holds 80), and 240, the most {@code memory.horizon-points} allows.
 * {@code periodicity} and {@code deseasonalise} run only on the judging ring (by default 84 buckets,
 * 12 a day); at 60 and 240 they stand for a 5-d or 20-d judging horizon of 2-h buckets.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrendMathBench {

  private static final int PER_DAY = 12;
  private static final double BUCKET_SEC = 86_400.0 / PER_DAY;

  @Param({"60", "84", "240"})
  int n;

  double[] x;
  double[] y;
  double[] mean;
  int[] phase;
  double[] season;
  double[] z;
  double[] scratch;
  double[] work;
  double slope;

  @Setup
  public void setUp() {
    Random rnd = new Random(7);
    x = new double[n];
    y = new double[n];
    mean = new double[n];
    phase = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = (i - n + 0.5) * BUCKET_SEC;
      phase[i] = (i + 5) % PER_DAY;
      double leak = 0.25e9 / 86_400 * Math.max(0, x[i] - x[n / 3]);
      double daily = 0.15e9 * Math.sin(2 * Math.PI * phase[i] / PER_DAY);
      mean[i] = 1.2e9 + leak + daily + rnd.nextGaussian() * 2e7;
      y[i] = mean[i] - 0.15e9 + rnd.nextGaussian() * 1e7; // the bucket minimum: the sawtooth's trough
    }
    season = new double[PER_DAY];
    z = new double[n];
    scratch = new double[n * (n - 1) / 2 + n];
    work = new double[n];
    slope = TrendMath.theilSenSlope(x, y, 0, n, scratch);
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
  public double medianIntercept() {
    return TrendMath.medianIntercept(x, y, 0, n, slope, scratch);
  }

  @Benchmark
  public int hingeChangePoint() {
    return TrendMath.hingeChangePoint(x, y, 0, n, n - 6);
  }

  /** One hinge at a given knot (what {@code hingeChangePoint} does per candidate knot). */
  @Benchmark
  public double hingeFit() {
    TrendMath.hingeFit(x, y, 0, n, x[n / 3], work);
    return work[1];
  }

  @Benchmark
  public double bestStepSse() {
    return TrendMath.bestStepSse(y, 0, n);
  }

  @Benchmark
  public double sse() {
    return TrendMath.sse(x, y, 0, n, slope, 1.2e9);
  }

  /** The day-to-day autocorrelation of the bucket means' changes (lag: a day of buckets). */
  @Benchmark
  public double periodicity() {
    return TrendMath.periodicity(mean, n, PER_DAY);
  }

  /** One de-seasonalisation as {@code MemoryAnalyzer} calls it (three iterations; it calls it twice per refit). */
  @Benchmark
  public double deseasonalise() {
    TrendMath.deseasonalise(x, y, n, phase, PER_DAY, n - 6, 3, season, z, scratch);
    return z[n - 1];
  }

  /** The upper decile (fast growth's peak level); includes copying the n values it reorders. */
  @Benchmark
  public double quantile() {
    System.arraycopy(mean, 0, work, 0, n);
    return TrendMath.quantile(work, n, 0.9);
  }

  /** The median (per phase in {@code deseasonalise} and the peak excursion); includes the copy. */
  @Benchmark
  public double median() {
    System.arraycopy(mean, 0, work, 0, n);
    return TrendMath.median(work, n);
  }
}

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
 * The connection detectors' robust baseline (median and MAD of the recent spans): what one span
 * costs, adding its count and asking for the burst threshold, with the refresh interval the
 * detector uses (12) and {@code connections.baseline.spans} samples (default 360).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RobustBaselineBench {

  @Param({"60", "360", "2000"})
  int capacity;

  RobustBaseline baseline;
  long[] counts;
  int next;

  @Setup
  public void setUp() {
    Random rnd = new Random(11);
    counts = new long[4096];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.max(0, Math.round(20 + 5 * rnd.nextGaussian()));
    }
    baseline = new RobustBaseline(capacity, 12);
    for (int i = 0; i < capacity; i++) {
      baseline.add(counts[i % counts.length]);
    }
  }

  @Benchmark
  public double addAndThreshold() {
    baseline.add(counts[next++ & (counts.length - 1)]);
    return baseline.threshold(6.0, 3.0, 10.0);
  }
}

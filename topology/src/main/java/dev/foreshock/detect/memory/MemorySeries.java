package dev.foreshock.detect.memory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bounded state of one resource: the latest sample per host, the open window, a short ring of
 * raw samples (rapid rise), a ring of recent window maxima (the normal level), one ring of bucket
 * aggregates per horizon, and the signal state. Mutable, with public fields, serialized as JSON into
 * the {@code memory-series} store; all logic is in {@link MemoryAnalyzer}.
 */
public final class MemorySeries {

  /** The latest sample of one host. */
  public static final class HostSample {
    public long ts;
    public long used;
    public long limit;

    public HostSample() {}

    HostSample(long ts, long used, long limit) {
      this.ts = ts;
      this.used = used;
      this.limit = limit;
    }
  }

  /** A running min / max / sum / sum of squares / count / last aggregate over a time slot. */
  public static final class Aggregate {
    public long start = Long.MIN_VALUE;
    public double min;
    public double max;
    public double sum;
    public double sumSq;
    public long count;
    public double last;

    public Aggregate() {}

    void reset(long start) {
      this.start = start;
      min = Double.POSITIVE_INFINITY;
      max = Double.NEGATIVE_INFINITY;
      sum = 0;
      sumSq = 0;
      count = 0;
      last = 0;
    }

    void add(double v) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sumSq += v * v;
      count++;
      last = v;
    }

    void add(Aggregate other) {
      min = Math.min(min, other.min);
      max = Math.max(max, other.max);
      sum += other.sum;
      sumSq += other.sumSq;
      count += other.count;
      last = other.last;
    }

    boolean open() {
      return start != Long.MIN_VALUE && count > 0;
    }

    /** The standard deviation of the values added (0 for fewer than two). */
    double sd() {
      if (count < 2) {
        return 0;
      }
      double mean = sum / count;
      return Math.sqrt(Math.max(0, sumSq / count - mean * mean));
    }
  }

  /** A fixed-capacity ring of bucket aggregates, oldest first. */
  public static final class Ring {
    public long[] start;
    public double[] min;
    public double[] max;
    public double[] mean;
    /**
     * Standard deviation of the samples within the bucket (the sawtooth's spread plus the noise);
     * kept by the judging horizon only (null for the others, which do not project).
     */
    public double[] sd;
    public int head;
    public int size;

    public Ring() {}

    Ring(int capacity) {
      start = new long[capacity];
      min = new double[capacity];
      max = new double[capacity];
      mean = new double[capacity];
    }

    int capacity() {
      return start.length;
    }

    void add(long bucketStart, double mn, double mx, double avg, double spread) {
      int at = (head + size) % capacity();
      if (size == capacity()) {
        head = (head + 1) % capacity();
      } else {
        size++;
      }
      start[at] = bucketStart;
      min[at] = mn;
      max[at] = mx;
      mean[at] = avg;
      if (sd != null) {
        sd[at] = spread;
      }
    }

    /** The i-th oldest slot. */
    int slot(int i) {
      return (head + i) % capacity();
    }
  }

  /** One horizon: its current bucket and the ring of closed buckets. */
  public static final class HorizonState {
    public long horizonMs;
    public long bucketMs;
    public Aggregate bucket = new Aggregate();
    public Ring ring;
    /**
     * The judging horizon only (null for the others): start and mean of the last day's buckets that
     * left the ring, so that the weekly projection sees the same time of day a whole week back.
     */
    public SampleRing evicted;
    public HorizonTrend trend;

    public HorizonState() {}

    HorizonState(long horizonMs, long bucketMs, int points) {
      this.horizonMs = horizonMs;
      this.bucketMs = bucketMs;
      this.ring = new Ring(points);
    }
  }

  /** A ring of raw (ts, used) samples. */
  public static final class SampleRing {
    public long[] ts;
    public double[] used;
    public int head;
    public int size;

    public SampleRing() {}

    SampleRing(int capacity) {
      ts = new long[capacity];
      used = new double[capacity];
    }

    void add(long t, double v) {
      int cap = ts.length;
      int at = (head + size) % cap;
      if (size == cap) {
        head = (head + 1) % cap;
      } else {
        size++;
      }
      ts[at] = t;
      used[at] = v;
    }

    void dropBefore(long t) {
      while (size > 0 && ts[head] < t) {
        head = (head + 1) % ts.length;
        size--;
      }
    }

    int slot(int i) {
      return (head + i) % ts.length;
    }
  }

  public String resource;
  public long firstTs = Long.MIN_VALUE;
  public long lastTs = Long.MIN_VALUE;
  public long limit;
  public double lastUsed;
  public Map<String, HostSample> hosts = new LinkedHashMap<>();
  public Aggregate window = new Aggregate();
  /** Closed windows: start and max (the normal level for rapid rise). */
  public SampleRing windowMax;
  /** Raw combined samples of the rapid window. */
  public SampleRing recent;
  public List<HorizonState> horizons = new ArrayList<>();

  // growth signal state
  public String growthSeverity;
  public int growthPass;
  public long growthFailSince;
  /** Event time of the last fast-growth evaluation that held, or 0. */
  public long fastGrowthTs;
  public long growthEmittedExhaustionTs;
  /** Event time since which fast growth has held without a break longer than a few minutes, or 0. */
  public long fastHoldSince;
  /** The fast-growth envelope's level when its hold began (it must keep climbing through the hold). */
  public double fastHoldLevel;
  /** Event time of the last fast-growth evaluation that passed, or 0. */
  public long fastLastPassTs;
  /** Estimated onset of the open growth episode (kept while it lasts), or 0. */
  public long growthOnsetTs;
  /** Event time of the last growth signal sent (active signals are re-sent so the episode stays fresh). */
  public long growthEmittedTs;

  // rapid-rise signal state
  public boolean rapidActive;
  public long rapidLastHoldTs;
  public double rapidBreakoutLevel;

  public MemorySeries() {}
}

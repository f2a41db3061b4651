package dev.foreshock.detect.memory;

import dev.foreshock.avro.MemorySample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated memory telemetry of one resource: a base level with a leak, a sawtooth, a daily
 * rhythm, a step, a fast climb, eviction at a ceiling and Gaussian noise, sampled at a jittered
 * interval from a seeded {@link Random}. Samples never exceed the limit (the resource refuses
 * writes there).
 */
final class MemoryScenario {

  static final long GB = 1024L * 1024 * 1024;

  final String resource;
  final long limit;
  final Random random;
  Instant start;
  Duration length = Duration.ofDays(7);
  Duration interval = Duration.ofSeconds(30);
  double base;
  double noise;
  double leakPerSecond;
  Instant leakOnset;
  double sawAmplitude;
  Duration sawPeriod = Duration.ofMinutes(30);
  double dailyAmplitude;
  /** A daily bump above the base: zero at night, this high at {@link #peakHourUtc}. */
  double dailyRise;
  double peakHourUtc = 14;
  /** The daily bump is scaled by this on Saturdays and Sundays (quieter weekends). */
  double weekendFactor = 1;
  /** The leak follows the daytime traffic: its rate is {@link #leakPerSecond} on average, 5x faster by day than by night. */
  boolean leakWithTraffic;
  double step;
  Instant stepAt;
  double climbTo;
  Instant climbOnset;
  Duration climbLength = Duration.ofSeconds(90);
  double ceiling = Double.POSITIVE_INFINITY;
  boolean withLimit = true;
  String[] hosts = {"host-1"};

  /** When the generated level first reached the limit, or null. */
  Instant exhaustedAt;

  MemoryScenario(String resource, long limit, long seed, Instant start) {
    this.resource = resource;
    this.limit = limit;
    this.random = new Random(seed);
    this.start = start;
  }

  /** The noise-free level at {@code t} (before clamping to the ceiling and the limit). */
  double level(Instant t) {
    double s = (t.toEpochMilli() - start.toEpochMilli()) / 1000.0;
    double v = base;
    if (leakOnset != null && t.isAfter(leakOnset)) {
      double since = (t.toEpochMilli() - leakOnset.toEpochMilli()) / 1000.0;
      if (leakWithTraffic) {
        // rate(t) = leakPerSecond * (1 + 2/3 cos(w (t - peak))): 5x by day what it is by night
        double w = 2 * Math.PI / 86_400.0;
        double peak = peakHourUtc * 3600;
        double phaseNow = w * (secondOfDay(t) - peak);
        double phaseOnset = w * (secondOfDay(leakOnset) - peak);
        v += leakPerSecond * (since + 2.0 / 3.0 / w * (Math.sin(phaseNow) - Math.sin(phaseOnset)));
      } else {
        v += leakPerSecond * since;
      }
    }
    if (dailyRise > 0) {
      double bump = 0.5 + 0.5 * Math.cos(2 * Math.PI * (secondOfDay(t) - peakHourUtc * 3600) / 86_400.0);
      long weekday = Math.floorMod(Math.floorDiv(t.toEpochMilli(), 86_400_000L) + 4, 7); // 0 = Sunday
      v += dailyRise * bump * (weekday == 0 || weekday == 6 ? weekendFactor : 1);
    }
    if (sawAmplitude > 0) {
      double p = sawPeriod.toMillis() / 1000.0;
      v += sawAmplitude * ((s % p) / p);
    }
    if (dailyAmplitude > 0) {
      v += dailyAmplitude * Math.sin(2 * Math.PI * s / 86_400.0);
    }
    if (stepAt != null && !t.isBefore(stepAt)) {
      v += step;
    }
    if (climbOnset != null && t.isAfter(climbOnset)) {
      double f = Math.min(1, (t.toEpochMilli() - climbOnset.toEpochMilli()) / (double) climbLength.toMillis());
      v += (climbTo - v) * f;
    }
    return v;
  }

  private static double secondOfDay(Instant t) {
    return Math.floorMod(t.toEpochMilli(), 86_400_000L) / 1000.0;
  }

  List<MemorySample> samples() {
    List<MemorySample> out = new ArrayList<>();
    long intervalMs = interval.toMillis();
    long end = start.plus(length).toEpochMilli();
    long t = start.toEpochMilli();
    int h = 0;
    while (t < end) {
      Instant at = Instant.ofEpochMilli(t);
      double v = level(at) + noise * random.nextGaussian();
      v = Math.min(v, ceiling + noise * 0.3 * random.nextGaussian());
      if (v >= limit && exhaustedAt == null) {
        exhaustedAt = at;
      }
      long used = (long) Math.max(0, Math.min(limit, v));
      String host = hosts[h++ % hosts.length];
      out.add(MemorySample.newBuilder().setTs(t).setResource(resource).setHost(host).setUsedBytes(used)
          .setMaxBytes(withLimit ? limit : null).build());
      long jitter = (long) (intervalMs * 0.1 * (random.nextDouble() - 0.5));
      t += intervalMs + jitter;
    }
    return out;
  }
}

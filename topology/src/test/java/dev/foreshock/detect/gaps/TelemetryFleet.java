package dev.foreshock.detect.gaps;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * Generates the telemetry a gap detector watches: request stats of service instances and memory
 * samples of resources, each at its own cadence and offset with a little jitter, with stretches
 * of silence, and change events.
 */
final class TelemetryFleet {

  private record Silence(String source, long from, long to) {}

  private record Source(String service, String instance, String resource, long intervalMs, boolean irregular) {
    String name() {
      return resource != null ? resource : service + "/" + instance;
    }
  }

  private final Random random;
  private final List<Source> sources = new ArrayList<>();
  private final List<Silence> silences = new ArrayList<>();
  private final List<SpecificRecord> extra = new ArrayList<>();

  TelemetryFleet(Random random) {
    this.random = random;
  }

  TelemetryFleet service(String name, int instances, Duration interval) {
    for (int i = 1; i <= instances; i++) {
      sources.add(new Source(name, name + "-" + i, null, interval.toMillis(), false));
    }
    return this;
  }

  TelemetryFleet resource(String name, Duration interval) {
    sources.add(new Source(null, null, name, interval.toMillis(), false));
    return this;
  }

  /** A resource reporting at random, exponentially distributed intervals with this mean. */
  TelemetryFleet irregularResource(String name, Duration meanInterval) {
    sources.add(new Source(null, null, name, meanInterval.toMillis(), true));
    return this;
  }

  /**
   * Silences a source from {@code from} to {@code to}: a resource, a {@code service/instance}, or a
   * whole service (every instance).
   */
  TelemetryFleet silent(String source, Instant from, Instant to) {
    silences.add(new Silence(source, from.toEpochMilli(), to.toEpochMilli()));
    return this;
  }

  TelemetryFleet change(String target, String kind, Instant at) {
    extra.add(ChangeEvent.newBuilder().setTs(at.toEpochMilli()).setTarget(target).setKind(kind)
        .setDescription(kind.toLowerCase(java.util.Locale.ROOT) + " of " + target).build());
    return this;
  }

  List<SpecificRecord> generate(Instant from, Instant to) {
    List<SpecificRecord> out = new ArrayList<>(extra);
    for (Source s : sources) {
      long ts = from.toEpochMilli() + (long) (random.nextDouble() * s.intervalMs());
      while (ts < to.toEpochMilli()) {
        if (!silenced(s, ts)) {
          out.add(record(s, ts));
        }
        ts += s.irregular()
            ? 1 + (long) (-Math.log(1 - random.nextDouble()) * s.intervalMs())
            : s.intervalMs() + (long) (random.nextGaussian() * s.intervalMs() * 0.03);
      }
    }
    out.sort(Comparator.comparingLong(TelemetryFleet::ts));
    return out;
  }

  static long ts(SpecificRecord r) {
    if (r instanceof RequestStats q) {
      return q.getTs();
    } else if (r instanceof MemorySample m) {
      return m.getTs();
    }
    return ((ChangeEvent) r).getTs();
  }

  private boolean silenced(Source s, long ts) {
    for (Silence q : silences) {
      boolean hit = q.source().equals(s.name()) || q.source().equals(s.service());
      if (hit && ts >= q.from() && ts < q.to()) {
        return true;
      }
    }
    return false;
  }

  private SpecificRecord record(Source s, long ts) {
    if (s.resource() != null) {
      long used = 1_000_000_000L + (long) (random.nextGaussian() * 50_000_000L);
      return MemorySample.newBuilder().setTs(ts).setResource(s.resource()).setHost(s.resource() + "-1")
          .setUsedBytes(Math.max(0, used)).setMaxBytes(4_000_000_000L).build();
    }
    long requests = 200 + random.nextInt(800);
    return RequestStats.newBuilder().setTs(ts).setService(s.service()).setInstance(s.instance())
        .setIntervalMs(s.intervalMs()).setRequests(requests).setErrors(random.nextInt(3)).build();
  }
}

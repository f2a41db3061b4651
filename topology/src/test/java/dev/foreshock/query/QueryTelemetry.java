package dev.foreshock.query;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * Telemetry of a small fleet for the query tests, from a seeded {@link Random}: several services,
 * targets and resources (so that keys spread over partitions), request stats every 10 s with a
 * low error ratio and one service whose 5xx ratio jumps to {@code spikeRatio} for a few minutes
 * near the end, connection opens and closes, memory samples with noise below the limit. Also
 * keeps the figures a user should see: requests and errors per service and 30 s window, opens and
 * failures per target and 5 s window, the last sample per resource.
 */
final class QueryTelemetry {

  static final List<String> ALL_SERVICES = List.of("search-api", "frontend-api", "chat-api", "billing-api",
      "auth-api", "media-api", "cart-api");
  static final List<String> ALL_TARGETS = List.of("postgres-main", "redis-cache", "mysql-orders", "mongo-users",
      "postgres-replica");
  static final List<String> ALL_RESOURCES = List.of("redis-queue", "es-heap", "kafka-disk", "redis-sessions");

  final List<SpecificRecord> records = new ArrayList<>();
  final List<String> services;
  final List<String> targets;
  final List<String> resources;
  final String spikeService;
  final long spikeStart;
  final long end;
  final Map<String, Map<Long, long[]>> requestsByWindow = new HashMap<>();
  final Map<String, Map<Long, long[]>> connectionsByWindow = new HashMap<>();
  final Map<String, MemorySample> lastSample = new HashMap<>();

  QueryTelemetry(Random random, Instant base, Duration span, double spikeRatio) {
    services = ALL_SERVICES.subList(0, 4 + random.nextInt(ALL_SERVICES.size() - 3));
    targets = ALL_TARGETS.subList(0, 3 + random.nextInt(ALL_TARGETS.size() - 2));
    resources = ALL_RESOURCES.subList(0, 2 + random.nextInt(ALL_RESOURCES.size() - 1));
    spikeService = services.get(random.nextInt(services.size()));
    long t0 = base.toEpochMilli();
    end = t0 + span.toMillis();
    spikeStart = end - Duration.ofMinutes(4).toMillis();
    int instances = 2 + random.nextInt(3);
    for (String s : services) {
      records.add(ServiceDependencies.newBuilder().setService(s)
          .setDependsOn(List.of(targets.get(random.nextInt(targets.size())))).setTs(t0).build());
    }
    records.add(ChangeEvent.newBuilder().setTs(spikeStart - 60_000).setTarget(spikeService).setKind("DEPLOY")
        .setDescription("release " + (100 + random.nextInt(900))).build());
    Map<String, Long> limits = new HashMap<>();
    Map<String, Double> used = new HashMap<>();
    for (String r : resources) {
      long limit = (1L + random.nextInt(4)) * 1024 * 1024 * 1024;
      limits.put(r, limit);
      used.put(r, limit * (0.2 + 0.3 * random.nextDouble()));
    }
    int perInstance = 600 + random.nextInt(800);
    for (long t = t0 + 10_000; t <= end; t += 10_000) {
      for (String service : services) {
        for (int i = 1; i <= instances; i++) {
          long ts = t + random.nextInt(300);
          long requests = perInstance + random.nextInt(200);
          double ratio = service.equals(spikeService) && ts >= spikeStart ? spikeRatio : 0.001;
          long errors = Math.min(requests, Math.round(requests * ratio + random.nextGaussian() * Math.sqrt(requests * ratio)));
          errors = Math.max(0, errors);
          records.add(RequestStats.newBuilder().setTs(ts).setService(service).setInstance(service + "-" + i)
              .setIntervalMs(10_000).setRequests(requests).setErrors(errors).build());
          long w = (ts - 1) - Math.floorMod(ts - 1, 30_000L);
          long[] sums = requestsByWindow.computeIfAbsent(service, k -> new HashMap<>()).computeIfAbsent(w, k -> new long[2]);
          sums[0] += requests;
          sums[1] += errors;
          for (String target : targets) {
            if (random.nextDouble() < 0.15) {
              long cts = t + random.nextInt(10_000);
              ConnectionEventKind kind = random.nextDouble() < 0.1 ? ConnectionEventKind.ACQUIRE_FAILED
                  : random.nextBoolean() ? ConnectionEventKind.OPENED : ConnectionEventKind.CLOSED;
              int count = 1 + (random.nextDouble() < 0.2 ? random.nextInt(3) : 0);
              records.add(ConnectionEvent.newBuilder().setTs(cts).setService(service).setInstance(service + "-" + i)
                  .setTarget(target).setEvent(kind).setReason(kind == ConnectionEventKind.OPENED ? "MAX_LIFETIME" : null)
                  .setCount(count).build());
              long cw = cts - Math.floorMod(cts, 5_000L);
              long[] c = connectionsByWindow.computeIfAbsent(target, k -> new HashMap<>()).computeIfAbsent(cw, k -> new long[2]);
              if (kind == ConnectionEventKind.OPENED) {
                c[0] += count;
              } else if (kind == ConnectionEventKind.ACQUIRE_FAILED) {
                c[1] += count;
              }
            }
          }
        }
      }
      for (String r : resources) {
        long limit = limits.get(r);
        double u = Math.max(limit * 0.1, Math.min(limit * 0.6, used.get(r) + random.nextGaussian() * 0.003 * limit));
        used.put(r, u);
        MemorySample m = MemorySample.newBuilder().setTs(t).setResource(r).setHost(r + "-1")
            .setUsedBytes((long) u).setMaxBytes(limit).build();
        records.add(m);
        lastSample.put(r, m);
      }
    }
    // mostly, not strictly, in time order: as producers send them
    records.sort(Comparator.comparingLong(QueryTelemetry::ts));
  }

  /**
   * The last sample of {@code resource} in its newest closed 1-minute window (the one before the
   * window of its last sample): the latest figures the query API shows.
   */
  MemorySample lastClosedSample(String resource) {
    long lastWindow = Math.floorDiv(lastSample.get(resource).getTs(), 60_000L) * 60_000L;
    MemorySample found = null;
    for (SpecificRecord r : records) {
      if (r instanceof MemorySample m && m.getResource().equals(resource) && m.getTs() < lastWindow
          && (found == null || m.getTs() >= found.getTs())) {
        found = m;
      }
    }
    return found;
  }

  static long ts(SpecificRecord r) {
    if (r instanceof ServiceDependencies d) {
      return d.getTs() == null ? 0 : d.getTs();
    }
    return (Long) r.get(r.getSchema().getField("ts").pos());
  }
}

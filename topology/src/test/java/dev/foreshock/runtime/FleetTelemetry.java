package dev.foreshock.runtime;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * Quiet, healthy telemetry of a small fleet, in time order, from a seeded {@link Random}: request
 * stats per instance every 10 s with a low error ratio, memory samples with sawtooth noise well
 * below the limit, occasional connection opens and closes, one deploy and the dependencies.
 */
final class FleetTelemetry {

  private FleetTelemetry() {}

  static List<SpecificRecord> quiet(Random random, Instant base, Duration span, int instancesPerService) {
    List<SpecificRecord> records = new ArrayList<>();
    List<String> services = List.of("search-api", "frontend-api", "chat-api");
    records.add(ServiceDependencies.newBuilder().setService("search-api")
        .setDependsOn(List.of("redis-queue", "postgres-main")).setTs(base.toEpochMilli()).build());
    records.add(ServiceDependencies.newBuilder().setService("frontend-api")
        .setDependsOn(List.of("postgres-main")).setTs(base.toEpochMilli()).build());
    records.add(ChangeEvent.newBuilder().setTs(base.plusSeconds(5).toEpochMilli()).setTarget("search-api")
        .setKind("DEPLOY").setDescription("routine deploy " + random.nextInt(1000)).build());
    long maxBytes = (2L + random.nextInt(3)) * 1024 * 1024 * 1024;
    double used = maxBytes * (0.3 + random.nextDouble() * 0.1);
    for (long t = 10_000; t <= span.toMillis(); t += 10_000) {
      long ts = base.toEpochMilli() + t;
      for (String service : services) {
        for (int i = 1; i <= instancesPerService; i++) {
          long requests = 800 + random.nextInt(400);
          long errors = random.nextDouble() < 0.7 ? random.nextInt(3) : 0;
          records.add(RequestStats.newBuilder().setTs(ts + random.nextInt(500)).setService(service)
              .setInstance(service + "-" + i).setIntervalMs(10_000).setRequests(requests).setErrors(errors).build());
          if (random.nextDouble() < 0.05) {
            records.add(ConnectionEvent.newBuilder().setTs(ts + random.nextInt(1000)).setService(service)
                .setInstance(service + "-" + i).setTarget("postgres-main")
                .setEvent(random.nextBoolean() ? ConnectionEventKind.OPENED : ConnectionEventKind.CLOSED)
                .setReason("MAX_LIFETIME").setCount(1).build());
          }
        }
      }
      used = Math.max(maxBytes * 0.2, Math.min(maxBytes * 0.5, used + (random.nextGaussian() * 0.002 * maxBytes)));
      records.add(MemorySample.newBuilder().setTs(ts).setResource("redis-queue").setHost("redis-1")
          .setUsedBytes((long) used).setMaxBytes(maxBytes).build());
    }
    return records;
  }
}

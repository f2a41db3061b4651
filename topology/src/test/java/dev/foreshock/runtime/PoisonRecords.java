package dev.foreshock.runtime;

import dev.foreshock.Topics;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.serde.AvroSerdes;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** One record of every kind the contract says must go to the dead-letter topic. */
final class PoisonRecords {

  /** A poison record, and the dead-letter reason it must get. */
  record Poison(String kind, String topic, String key, byte[] value, String reason, String messagePart) {}

  private PoisonRecords() {}

  static List<Poison> all(AvroSerdes serdes, Random random, Instant ts) {
    long t = ts.toEpochMilli();
    String service = "search-api";
    byte[] unknownId = {0, 0, 0, 0x27, 0x0f, 2, 4, 6};
    byte[] goodRequests = ItSupport.avro(serdes, Topics.REQUESTS, requests(t, service, 100, 1));
    return List.of(
        new Poison("garbage bytes", Topics.REQUESTS, service,
            ItSupport.utf8("GET /health HTTP/1.1 " + random.nextInt()), "UNDECODABLE", "magic byte"),
        new Poison("unknown schema id", Topics.MEMORY, "redis-queue", unknownId, "UNDECODABLE", "9999"),
        new Poison("truncated avro", Topics.REQUESTS, service,
            Arrays.copyOf(goodRequests, goodRequests.length - 3), "UNDECODABLE", "schema id"),
        new Poison("errors > requests", Topics.REQUESTS, service,
            ItSupport.avro(serdes, Topics.REQUESTS, requests(t, service, 10, 11 + random.nextInt(5))),
            "INVALID", "errors > requests"),
        new Poison("negative bytes", Topics.MEMORY, "redis-queue",
            ItSupport.avro(serdes, Topics.MEMORY, MemorySample.newBuilder().setTs(t).setResource("redis-queue")
                .setUsedBytes(-1 - random.nextInt(1000)).setMaxBytes(1L << 30).build()),
            "INVALID", "usedBytes must be >= 0"),
        new Poison("far-future ts", Topics.REQUESTS, service,
            ItSupport.avro(serdes, Topics.REQUESTS,
                requests(Instant.parse("2199-01-01T00:00:00Z").toEpochMilli(), service, 100, 0)),
            "FUTURE_TIMESTAMP", "ahead of the wall clock"),
        new Poison("absurd string length", Topics.REQUESTS, service,
            ItSupport.avro(serdes, Topics.REQUESTS,
                RequestStats.newBuilder().setTs(t).setService(service).setInstance("x".repeat(100_000))
                    .setIntervalMs(10_000).setRequests(5).setErrors(0).build()),
            "TOO_LONG", "instance is 100000 characters"));
  }

  static RequestStats requests(long ts, String service, long requests, long errors) {
    return RequestStats.newBuilder().setTs(ts).setService(service).setInstance(service + "-1")
        .setIntervalMs(10_000).setRequests(requests).setErrors(errors).build();
  }
}

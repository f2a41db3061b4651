package dev.foreshock.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.Topics;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.config.ForeshockSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast path into the driver's task gives the same output as piping through the driver. */
class DirectInputTest {

  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");
  private static final Clock CLOCK = Clock.fixed(BASE.plusSeconds(7_200), ZoneOffset.UTC);

  @TempDir Path stateDir;

  @Test
  void shouldWriteSameCandidatesAndDeadLettersWhenPipedDirectlyOrThroughTheDriver() {
    List<Object> direct = run(true);
    List<Object> viaDriver = run(false);

    assertThat(direct).isEqualTo(viaDriver);
    assertThat(direct).anySatisfy(o -> assertThat(o).asString().contains("errors > requests"));
  }

  /** An hour of a small fleet with occasional broken records; returns everything written, in order. */
  private List<Object> run(boolean direct) {
    Random random = new Random(23);
    List<Object> out = new ArrayList<>();
    try (OfflinePipeline pipeline = new OfflinePipeline(ForeshockSettings.defaults(), CLOCK, BASE,
        stateDir.resolve(direct ? "direct" : "driver"), direct)) {
      assertThat(pipeline.isDirect()).isEqualTo(direct);
      pipeline.pipe(new ServiceDependencies("search-api", List.of("redis-queue", "postgres-main"), null));
      for (int i = 0; i < 4_000; i++) {
        long ts = BASE.toEpochMilli() + i * 1_000L + random.nextInt(800);
        int fleet = 6;
        String instance = "search-" + random.nextInt(fleet);
        double used = 0.4 + (i > 2_500 ? (i - 2_500) / 1_500.0 : 0) + random.nextGaussian() * 0.01;
        SpecificRecord record = switch (i % 4) {
          case 0 -> new MemorySample(ts, "redis-queue", "redis-1", (long) (used * (3L << 30)), 3L << 30);
          case 1 -> {
            long requests = 800 + random.nextInt(400);
            long errors = i > 3_000 ? requests / 3 : random.nextInt(3);
            yield new RequestStats(ts, "search-api", instance, 10_000L, requests,
                random.nextInt(500) == 0 ? requests + 1 : errors);
          }
          case 2 -> new ConnectionEvent(ts, "search-api", instance, "postgres-main",
              random.nextInt(50) == 0 ? ConnectionEventKind.ACQUIRE_FAILED : ConnectionEventKind.OPENED,
              "MAX_LIFETIME", 1 + random.nextInt(3));
          default -> random.nextInt(900) == 0
              ? new ChangeEvent(ts, "search-api", "DEPLOY", "release " + i)
              : new ConnectionEvent(ts, "search-api", instance, "postgres-main", ConnectionEventKind.CLOSED,
                  "MAX_LIFETIME", 1);
        };
        pipeline.pipe(record);
        if (random.nextInt(1_000) == 0) {
          pipeline.pipeRaw(Topics.MEMORY, "redis-queue", "garbage".getBytes(StandardCharsets.UTF_8), ts);
        }
        if (i % 100 == 0) {
          collect(pipeline, out);
        }
      }
      collect(pipeline, out);
    }
    return out;
  }

  private static void collect(OfflinePipeline pipeline, List<Object> out) {
    for (IncidentCandidate c : pipeline.drainCandidates()) {
      out.add(c.toString());
    }
    for (TestRecord<byte[], byte[]> dead : pipeline.drainDeadLetters()) {
      StringBuilder sb = new StringBuilder(new String(dead.value(), StandardCharsets.ISO_8859_1));
      for (Header h : dead.headers()) {
        sb.append(' ').append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8));
      }
      out.add(sb.append(" @").append(dead.timestamp()).toString());
    }
  }
}

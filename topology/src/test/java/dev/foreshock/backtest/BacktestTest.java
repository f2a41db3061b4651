package dev.foreshock.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.json.JsonLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestTest {

  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");

  @TempDir Path dir;

  @Test
  void shouldReportEveryBadLineByNumberAndPipeEveryOtherWhenBadLinesAreScattered() throws IOException {
    Random random = new Random(7);
    Path file = dir.resolve("mixed.jsonl");
    TreeMap<Long, String> expectedProblems = new TreeMap<>();
    List<String> lines = new ArrayList<>();
    int good = 0;
    for (int i = 0; i < 3_000; i++) {
      long lineNo = lines.size() + 1;
      double r = random.nextDouble();
      if (r < 0.01) {
        lines.add("{\"type\":\"requests\",\"ts\":" + BASE.toEpochMilli() + ",\"service\":");
        expectedProblems.put(lineNo, "not valid JSON");
      } else if (r < 0.02) {
        lines.add("{\"type\":\"requests\",\"ts\":" + BASE.plusSeconds(i).toEpochMilli()
            + ",\"service\":\"search-api\",\"instance\":\"s-1\",\"intervalMs\":10000,\"requests\":5,\"errors\":9}");
        expectedProblems.put(lineNo, "errors > requests (9 > 5)");
      } else if (r < 0.03) {
        lines.add("{\"type\":\"cpu\",\"ts\":" + BASE.plusSeconds(i).toEpochMilli() + ",\"host\":\"h-1\"}");
        expectedProblems.put(lineNo, "unknown type \"cpu\"");
      } else {
        lines.add(new JsonLines().format(telemetry(random, BASE.plusMillis(i * 250L + random.nextInt(200)))));
        good++;
      }
    }
    Files.write(file, lines);
    List<String> problems = new ArrayList<>();

    Backtest.Result result = new Backtest(ForeshockSettings.defaults(), clockAfter(3_000))
        .run(file, listener(problems, new ArrayList<>(), new ArrayList<>()));

    assertThat(problems).hasSize(expectedProblems.size());
    int i = 0;
    for (var expected : expectedProblems.entrySet()) {
      assertThat(problems.get(i++)).startsWith(file + ":" + expected.getKey() + ": " + expected.getValue());
    }
    assertThat(result.lines()).isEqualTo(3_000);
    assertThat(result.records()).isEqualTo(good);
    assertThat(result.rejected()).isEqualTo(expectedProblems.size());
    assertThat(result.deadLetters()).isZero();
  }

  @Test
  void shouldRejectEventsTooFarAheadOfTheClockWhenFileIsFromTheFuture() throws IOException {
    Path file = dir.resolve("future.jsonl");
    Random random = new Random(11);
    Files.write(file, List.of(
        new JsonLines().format(telemetry(random, BASE)),
        new JsonLines().format(telemetry(random, BASE.plusSeconds(7_200)))));
    List<String> problems = new ArrayList<>();

    Backtest.Result result = new Backtest(ForeshockSettings.defaults(), clockAfter(60))
        .run(file, listener(problems, new ArrayList<>(), new ArrayList<>()));

    assertThat(problems).singleElement().asString().startsWith(file + ":2: ts 2025-09-17T03:00:00Z is ahead of");
    assertThat(result.records()).isEqualTo(1);
  }

  @Test
  void shouldTellProgressUpToTheWholeFileWhenFileIsLong() throws IOException {
    Random random = new Random(3);
    Path file = dir.resolve("long.jsonl");
    List<String> lines = new ArrayList<>();
    JsonLines json = new JsonLines();
    for (int i = 0; i < 10_000; i++) {
      lines.add(json.format(telemetry(random, BASE.plusMillis(i * 50L))));
    }
    Files.write(file, lines);
    List<long[]> progress = new ArrayList<>();

    Backtest.Result result = new Backtest(ForeshockSettings.defaults(), clockAfter(1_000))
        .run(file, listener(new ArrayList<>(), new ArrayList<>(), progress));

    assertThat(progress).hasSize(10_000 / 4_096);
    long size = Files.size(file);
    for (int i = 0; i < progress.size(); i++) {
      long[] p = progress.get(i);
      assertThat(p[0]).isEqualTo(4_096L * (i + 1));
      assertThat(p[1]).isBetween(1L, size);
      assertThat(p[2]).isEqualTo(size);
      assertThat(p[3]).isEqualTo(p[0] - 1); // the record of the line being reported is not yet piped
    }
    assertThat(result.records()).isEqualTo(10_000);
    assertThat(result.eventsPerSecond()).isPositive();
  }

  private static Clock clockAfter(long seconds) {
    return Clock.fixed(BASE.plusSeconds(seconds), ZoneOffset.UTC);
  }

  private static Backtest.Listener listener(List<String> problems, List<IncidentCandidate> candidates,
      List<long[]> progress) {
    return new Backtest.Listener() {
      @Override
      public void candidate(IncidentCandidate candidate) {
        candidates.add(candidate);
      }

      @Override
      public void problem(String message) {
        problems.add(message);
      }

      @Override
      public void progress(long lines, long bytesRead, long totalBytes, long records) {
        progress.add(new long[] {lines, bytesRead, totalBytes, records});
      }
    };
  }

  /** A plausible record of a random kind: request stats, memory samples, connection opens. */
  private static SpecificRecord telemetry(Random random, Instant ts) {
    int kind = random.nextInt(3);
    String service = "svc-" + random.nextInt(4);
    if (kind == 0) {
      long requests = 500 + random.nextInt(1_000);
      return RequestStats.newBuilder().setTs(ts.toEpochMilli()).setService(service)
          .setInstance(service + "-" + random.nextInt(6)).setIntervalMs(10_000).setRequests(requests)
          .setErrors((long) (requests * random.nextDouble() * 0.01)).build();
    }
    if (kind == 1) {
      long max = 3L << 30;
      return MemorySample.newBuilder().setTs(ts.toEpochMilli()).setResource("redis-queue").setHost("redis-1")
          .setUsedBytes((long) (max * (0.4 + random.nextGaussian() * 0.01))).setMaxBytes(max).build();
    }
    return ConnectionEvent.newBuilder().setTs(ts.toEpochMilli()).setService(service)
        .setInstance(service + "-" + random.nextInt(6)).setTarget("postgres-main")
        .setEvent(ConnectionEventKind.OPENED).setReason("MAX_LIFETIME").setCount(1).build();
  }
}

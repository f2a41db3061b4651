package dev.foreshock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.query.DriverStateAccess;
import dev.foreshock.query.QueryApi;
import dev.foreshock.query.QueryLimits;
import dev.foreshock.query.QueryServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code foreshock query} against a real query API over the real topology: tables, --json, exit statuses. */
class QueryCommandTest {

  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");

  @TempDir Path stateDir;
  private OfflinePipeline pipeline;
  private QueryServer server;
  private final Map<Long, long[]> requestsByWindow = new HashMap<>();
  private long limitBytes;
  private long lastUsed;

  @BeforeEach
  void serve() {
    Random random = new Random(314);
    Clock clock = Clock.fixed(BASE.plus(Duration.ofHours(1)), ZoneOffset.UTC);
    pipeline = new OfflinePipeline(ForeshockSettings.defaults(), clock, BASE.plus(Duration.ofHours(1)), stateDir);
    limitBytes = (2L + random.nextInt(4)) << 30;
    for (long t = 10_000; t <= Duration.ofMinutes(12).toMillis(); t += 10_000) {
      long ts = BASE.toEpochMilli() + t;
      for (int i = 1; i <= 3; i++) {
        long requests = 500 + random.nextInt(300);
        long errors = random.nextInt(3);
        pipeline.pipe(RequestStats.newBuilder().setTs(ts).setService("search-api").setInstance("search-" + i)
            .setIntervalMs(10_000).setRequests(requests).setErrors(errors).build());
        long[] sums = requestsByWindow.computeIfAbsent((ts - 1) - Math.floorMod(ts - 1, 30_000L), k -> new long[2]);
        sums[0] += requests;
        sums[1] += errors;
      }
      lastUsed = (long) (limitBytes * (0.4 + 0.01 * random.nextGaussian()));
      pipeline.pipe(MemorySample.newBuilder().setTs(ts).setResource("redis-queue").setHost("redis-1")
          .setUsedBytes(lastUsed).setMaxBytes(limitBytes).build());
    }
    server = new QueryServer("127.0.0.1", 0);
    new QueryApi(new DriverStateAccess(pipeline.driver()), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        QueryLimits.defaults()).routes(server).start();
  }

  @AfterEach
  void close() {
    server.close();
    pipeline.close();
  }

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new QueryCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(new Failures());
    int status = cli.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void shouldPrintOneRowPerWindowWhenAskedForAServicesErrors() {
    Run run = run("errors", "search-api", "--url", server.url(), "--from", BASE.toString(),
        "--to", BASE.plus(Duration.ofMinutes(10)).toString());

    assertThat(run.status()).as(run.err()).isZero();
    String[] lines = run.out().split("\n");
    assertThat(lines[0]).startsWith("WINDOW").contains("REQUESTS", "ERRORS", "RATIO", "BASELINE");
    for (int w = 0; w < 20; w++) {
      long start = BASE.toEpochMilli() + w * 30_000L;
      long[] expected = requestsByWindow.get(start);
      assertThat(lines[w + 1]).as("window %d", w)
          .matches(Instant.ofEpochMilli(start) + " +" + expected[0] + " +" + expected[1] + " .*");
    }
    assertThat(run.out()).contains("20 windows from " + BASE + " to " + BASE.plus(Duration.ofMinutes(10)));
  }

  @Test
  void shouldPrintTheApisJsonWhenAskedForJson() throws Exception {
    Run run = run("--json", "--url", server.url(), "memory", "redis-queue");

    assertThat(run.status()).as(run.err()).isZero();
    JsonNode answer = new ObjectMapper().readTree(run.out());
    assertThat(answer.path("resource").asText()).isEqualTo("redis-queue");
    assertThat(answer.path("limitBytes").asLong()).isEqualTo(limitBytes);
    assertThat(answer.path("horizons").isArray()).isTrue();
  }

  @Test
  void shouldPrintUsedAndLimitWhenAskedForMemory() {
    Run run = run("memory", "redis-queue", "--url", server.url());

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("resource", "redis-queue", "HORIZON", "SLOPE/S", "1h")
        .contains(" of " + QueryCommand.bytes(limitBytes));
  }

  @Test
  void shouldExitWithOneAndSayWhatWasNotFoundWhenTheKeyIsUnknown() {
    Run run = run("errors", "checkout-api", "--url", server.url());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("404", "checkout-api");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void shouldExitWithTwoWhenTheApiRejectsAParameter() {
    Run run = run("errors", "search-api", "--url", server.url(), "--from", "last tuesday");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("400", "last tuesday");
  }

  @Test
  void shouldExitWithOneAndNameTheUrlWhenNothingAnswers() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run run = run("health", "--url", "http://127.0.0.1:" + port);

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("cannot reach the query API at http://127.0.0.1:" + port);
  }

  @Test
  void shouldListNoIncidentsWhenNothingFired() {
    Run run = run("incidents", "--url", server.url());

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("(none)", "0 of 0 (OPEN)");
  }
}

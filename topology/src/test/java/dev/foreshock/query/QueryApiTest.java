package dev.foreshock.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API over the real topology (offline, {@link DriverStateAccess}) and a real
 * {@link QueryServer} on a free loopback port: what a user sees in the answers, and the 400, 404
 * and 503 answers.
 */
class QueryApiTest {

  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path stateDir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private OfflinePipeline pipeline;
  private DriverStateAccess state;
  private PrometheusMeterRegistry registry;
  private QueryServer server;

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private QueryTelemetry serve(long seed, QueryLimits limits) {
    QueryTelemetry data = new QueryTelemetry(new Random(seed), BASE, Duration.ofMinutes(25), 0.25 + new Random(seed).nextDouble() * 0.2);
    Clock clock = Clock.fixed(BASE.plus(Duration.ofHours(2)), ZoneOffset.UTC);
    pipeline = new OfflinePipeline(ForeshockSettings.defaults(), clock, BASE.plus(Duration.ofHours(2)), stateDir);
    closing.add(pipeline);
    data.records.forEach(pipeline::pipe);
    state = new DriverStateAccess(pipeline.driver());
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    QueryMeters.bindStoreSizes(registry, state);
    server = new QueryServer("127.0.0.1", 0);
    closing.add(server);
    new QueryApi(state, registry, limits).routes(server).start();
    return data;
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + pathAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as("GET %s: %s", pathAndQuery, r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(r.body());
  }

  private JsonNode status(int status, String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as("GET %s: %s", pathAndQuery, r.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("error").asText()).isNotBlank();
    return body;
  }

  @Test
  void shouldShowPerWindowRequestsErrorsAndBaselineWhenAskedForAService() throws Exception {
    QueryTelemetry data = serve(11, QueryLimits.defaults());
    String service = data.spikeService;

    JsonNode answer = ok("/api/v1/errors/" + service + "?from=" + BASE.toEpochMilli() + "&to=" + data.end);

    assertThat(answer.path("service").asText()).isEqualTo(service);
    JsonNode windows = answer.path("windows");
    assertThat(windows.size()).isGreaterThanOrEqualTo(45);
    assertThat(answer.path("count").asInt()).isEqualTo(windows.size());
    long previous = Long.MIN_VALUE;
    for (JsonNode w : windows) {
      long start = w.path("windowStart").asLong();
      assertThat(start).isGreaterThan(previous);
      previous = start;
      assertThat(w.path("windowEnd").asLong() - start).isEqualTo(30_000);
      long[] expected = data.requestsByWindow.get(service).get(start);
      assertThat(expected).as("a window the data has: %s", start).isNotNull();
      // a window is shown once judged, with all of its requests
      assertThat(w.path("closed").asBoolean()).as("closed: window %s", start).isTrue();
      assertThat(w.path("requests").asLong()).as("requests of window %s", start).isEqualTo(expected[0]);
      assertThat(w.path("errors").asLong()).as("errors of window %s", start).isEqualTo(expected[1]);
      assertThat(w.path("errorRatio").asDouble()).isCloseTo(
          w.path("errors").asDouble() / w.path("requests").asDouble(), within(1e-9));
    }
    JsonNode spike = windows.get(windows.size() - 3);
    assertThat(spike.path("windowStart").asLong()).isGreaterThan(data.spikeStart);
    assertThat(spike.path("errorRatio").asDouble()).isGreaterThan(0.2);
    assertThat(spike.path("baselineRatio").asDouble()).isLessThan(0.01);
    assertThat(answer.path("baseline").path("baselineRatio").asDouble()).isBetween(0.0, 0.01);
    assertThat(answer.path("baseline").path("severity").asText()).isEqualTo("CRITICAL");
    assertThat(answer.path("baseline").path("onsetTs").asLong()).isBetween(data.spikeStart - 30_000, data.end);

    JsonNode calm = ok("/api/v1/errors/" + data.services.stream().filter(s -> !s.equals(service)).findFirst().get());
    assertThat(calm.path("baseline").path("severity").isNull()).isTrue();
    // by default the last hour up to the newest window
    assertThat(calm.path("to").asLong() - calm.path("from").asLong()).isEqualTo(Duration.ofHours(1).toMillis());
  }

  @Test
  void shouldShowPerWindowOpensFailuresAndFleetWhenAskedForATarget() throws Exception {
    QueryTelemetry data = serve(23, QueryLimits.defaults());
    String target = data.targets.get(1);
    String from = URLEncoder.encode(BASE.toString(), StandardCharsets.UTF_8);

    JsonNode answer = ok("/api/v1/connections/" + target + "?from=" + from + "&to=" + data.end);

    assertThat(answer.path("target").asText()).isEqualTo(target);
    assertThat(answer.path("from").asLong()).isEqualTo(BASE.toEpochMilli());
    JsonNode windows = answer.path("windows");
    assertThat(windows.size()).isGreaterThan(100);
    long opens = 0;
    for (JsonNode w : windows) {
      long start = w.path("windowStart").asLong();
      long[] expected = data.connectionsByWindow.get(target).getOrDefault(start, new long[2]);
      assertThat(w.path("opens").asLong()).as("opens of window %s", start).isEqualTo(expected[0]);
      assertThat(w.path("failures").asLong()).as("failures of window %s", start).isEqualTo(expected[1]);
      assertThat(w.path("fleetFraction").asDouble()).isBetween(0.0, 1.0);
      opens += w.path("opens").asLong();
    }
    assertThat(opens).isPositive();
    JsonNode pattern = answer.path("pattern");
    assertThat(pattern.path("target").asText()).isEqualTo(target);
    assertThat(pattern.path("fleetSize").asInt()).isGreaterThanOrEqualTo(data.services.size());
    assertThat(pattern.has("bursts")).isTrue();
    assertThat(pattern.has("periodSeconds")).isTrue();
  }

  @Test
  void shouldShowLatestSamplesAndTrendPerHorizonWhenAskedForAResource() throws Exception {
    QueryTelemetry data = serve(37, QueryLimits.defaults());
    String resource = data.resources.get(0);
    MemorySample last = data.lastSample.get(resource);

    JsonNode answer = ok("/api/v1/memory/" + resource + "?windows=5");

    assertThat(answer.path("resource").asText()).isEqualTo(resource);
    assertThat(answer.path("limitBytes").asLong()).isEqualTo(last.getMaxBytes());
    // the latest figures are those of the newest closed window, however old the trend row is
    MemorySample newest = data.lastClosedSample(resource);
    long newestWindowEnd = Math.floorDiv(newest.getTs(), 60_000L) * 60_000L + 60_000L;
    assertThat(answer.path("ts").asLong()).isEqualTo(newestWindowEnd);
    assertThat(answer.path("lastUsedBytes").asLong()).isEqualTo(newest.getUsedBytes());
    assertThat(answer.path("usedFraction").asDouble())
        .isCloseTo((double) newest.getUsedBytes() / newest.getMaxBytes(), within(1e-12));
    JsonNode latest = answer.path("latest");
    assertThat(latest.path("windows").asInt()).isEqualTo(5);
    assertThat(latest.path("samples").asLong()).isEqualTo(5 * 6);
    assertThat(latest.path("minUsedBytes").asLong()).isLessThanOrEqualTo(latest.path("maxUsedBytes").asLong());
    assertThat(latest.path("to").asLong()).isEqualTo(newestWindowEnd);
    assertThat(latest.path("lastUsedBytes").asLong()).isEqualTo(newest.getUsedBytes());
    JsonNode horizons = answer.path("horizons");
    assertThat(horizons.size()).isGreaterThanOrEqualTo(1);
    assertThat(horizons.get(0).path("horizonSeconds").asLong()).isEqualTo(3600);
    assertThat(horizons.get(0).has("slopeBytesPerSecond")).isTrue();
    assertThat(horizons.get(0).has("r2")).isTrue();
    assertThat(horizons.get(0).has("secondsToExhaustion")).isTrue();
  }

  @Test
  void shouldListTheSpikeNewestFirstAndShowItsHistoryWhenAskedForIncidents() throws Exception {
    QueryTelemetry data = serve(41, QueryLimits.defaults());

    JsonNode open = ok("/api/v1/incidents?status=OPEN");

    JsonNode incidents = open.path("incidents");
    assertThat(open.path("count").asInt()).isEqualTo(incidents.size()).isPositive();
    JsonNode spike = null;
    long previousTs = Long.MAX_VALUE;
    for (JsonNode c : incidents) {
      assertThat(c.path("status").asText()).isIn("OPEN", "UPDATED");
      assertThat(c.path("ts").asLong()).isLessThanOrEqualTo(previousTs);
      previousTs = c.path("ts").asLong();
      if (c.path("type").asText().equals("ERROR_RATE_SPIKE") && c.path("subject").asText().equals(data.spikeService)) {
        spike = c;
      }
    }
    assertThat(spike).as("ERROR_RATE_SPIKE on %s in %s", data.spikeService, incidents).isNotNull();
    assertThat(spike.path("severity").asText()).isEqualTo("CRITICAL");
    assertThat(spike.path("ts").asLong()).isBetween(data.spikeStart, data.end);
    assertThat(spike.path("evidence").path("errorRatio").asDouble()).isGreaterThan(0.2);
    assertThat(spike.path("summary").asText()).isNotBlank();

    JsonNode one = ok("/api/v1/incidents/" + spike.path("id").asText());
    assertThat(one.path("id").asText()).isEqualTo(spike.path("id").asText());
    assertThat(one.path("type").asText()).isEqualTo("ERROR_RATE_SPIKE");
    assertThat(one.path("history").size()).isGreaterThanOrEqualTo(1);
    assertThat(one.path("history").get(0).path("status").asText()).isEqualTo("OPEN");

    JsonNode onlyErrors = ok("/api/v1/incidents?type=error_rate_spike&limit=1");
    assertThat(onlyErrors.path("count").asInt()).isEqualTo(1);
    assertThat(onlyErrors.path("incidents").get(0).path("type").asText()).isEqualTo("ERROR_RATE_SPIKE");
    assertThat(ok("/api/v1/incidents?status=RESOLVED&subject=" + data.spikeService).path("count").asInt()).isZero();
  }

  @Test
  void shouldAnswer404WhenTheKeyIsUnknown() throws Exception {
    serve(53, QueryLimits.defaults());

    assertThat(status(404, "/api/v1/errors/no-such-service").path("error").asText()).contains("no-such-service");
    assertThat(status(404, "/api/v1/connections/no-such-db").path("error").asText()).contains("no-such-db");
    assertThat(status(404, "/api/v1/memory/no-such-cache").path("error").asText()).contains("no-such-cache");
    assertThat(status(404, "/api/v1/incidents/0f0f0f0f").path("error").asText()).contains("0f0f0f0f");
    assertThat(status(404, "/api/v1/nothing").path("error").asText()).contains("/api/v1/nothing");
  }

  @Test
  void shouldAnswer400WithAMessageWhenAParameterIsBad() throws Exception {
    QueryTelemetry data = serve(67, new QueryLimits(Duration.ofMinutes(30), Duration.ofHours(6), 50));
    String service = "/api/v1/errors/" + data.services.get(0);
    String target = "/api/v1/connections/" + data.targets.get(0);

    assertThat(status(400, service + "?from=yesterday").path("error").asText()).contains("'from'", "yesterday");
    assertThat(status(400, service + "?from=" + data.end + "&to=" + BASE.toEpochMilli()).path("error").asText())
        .contains("must be before");
    assertThat(status(400, service + "?from=0&to=" + data.end).path("error").asText()).contains("longer than the 6 h");
    // 30 minutes of 5 s windows are more than 50
    assertThat(status(400, target).path("error").asText()).contains("more than 50 windows", "narrow");
    assertThat(status(400, "/api/v1/incidents?status=SLEEPING").path("error").asText()).contains("SLEEPING");
    assertThat(status(400, "/api/v1/incidents?type=OUTAGE").path("error").asText()).contains("OUTAGE");
    assertThat(status(400, "/api/v1/incidents?limit=0").path("error").asText()).contains("'limit'");
    assertThat(status(400, "/api/v1/memory/" + data.resources.get(0) + "?windows=lots").path("error").asText())
        .contains("'windows'", "lots");
    // within the limits the same endpoints answer
    assertThat(ok(target + "?from=" + (data.end - 120_000) + "&to=" + data.end).path("count").asInt()).isBetween(1, 24);
  }

  @Test
  void shouldAnswer503WithRetryAfterWhileTheStateMoves() throws Exception {
    QueryTelemetry data = serve(79, QueryLimits.defaults());
    assertThat(ok("/ready").path("status").asText()).isEqualTo("READY");
    assertThat(ok("/health").path("status").asText()).isEqualTo("RUNNING");

    state.status(StateAccess.Status.REBALANCING);

    for (String path : List.of("/api/v1/errors/" + data.spikeService, "/api/v1/memory/" + data.resources.get(0),
        "/api/v1/connections/" + data.targets.get(0), "/api/v1/incidents", "/api/v1/incidents/abc", "/ready", "/health")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(503);
      assertThat(JSON.readTree(r.body()).path("error").asText()).as(path).contains("REBALANCING");
      if (!path.equals("/health")) {
        assertThat(r.headers().firstValue("Retry-After")).as(path).hasValue("2");
      }
    }
    state.status(StateAccess.Status.RUNNING);
    assertThat(ok("/api/v1/errors/" + data.spikeService).path("windows").size()).isPositive();
  }

  @Test
  void shouldServePrometheusTextWithStoreSizesWhenScraped() throws Exception {
    QueryTelemetry data = serve(83, QueryLimits.defaults());

    HttpResponse<String> r = get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
    Map<String, Double> samples = PrometheusText.parse(r.body());
    // RocksDB's estimate counts overwrites still in the memtable: never fewer than the keys
    assertThat(samples.get("foreshock_store_entries{store=\"memory-trends\"}")).isGreaterThanOrEqualTo(data.resources.size());
    assertThat(samples.get("foreshock_store_entries{store=\"error-baselines\"}")).isGreaterThanOrEqualTo(data.services.size());
    assertThat(samples.get("foreshock_store_entries{store=\"connection-patterns\"}")).isGreaterThanOrEqualTo(data.targets.size());
    assertThat(samples).containsKeys(QueryMeters.GAUGED_STORES.stream()
        .map(s -> "foreshock_store_entries{store=\"" + s + "\"}").toArray(String[]::new));
    assertThat(samples.get("foreshock_store_entries{store=\"candidate-history\"}")).isPositive();
  }
}

package dev.foreshock.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's routes on a real {@link QueryServer} over the offline topology: the page and its
 * assets from the classpath (and nothing outside their folders), the subjects list, the change
 * events and the memory windows.
 */
class DashboardRoutesTest {

  private static final Instant BASE = Instant.parse("2025-10-02T03:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path stateDir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private QueryServer server;

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private QueryTelemetry serve(long seed, List<ChangeEvent> changes) {
    QueryTelemetry data = new QueryTelemetry(new Random(seed), BASE, Duration.ofMinutes(40), 0.3);
    Instant after = BASE.plus(Duration.ofHours(2));
    OfflinePipeline pipeline = new OfflinePipeline(ForeshockSettings.defaults(), Clock.fixed(after, ZoneOffset.UTC),
        after, stateDir);
    closing.add(pipeline);
    changes.forEach(pipeline::pipe);
    data.records.forEach(pipeline::pipe);
    server = new QueryServer("127.0.0.1", 0);
    closing.add(server);
    new QueryApi(new DriverStateAccess(pipeline.driver()), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        QueryLimits.defaults()).routes(server).start();
    return data;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeThePageAndUplotFromTheJarWhenAskedForTheRoot() throws Exception {
    serve(3, List.of());

    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("/assets/uplot/uPlot.iife.min.js", "/assets/dashboard.js", "<html lang=\"en\">")
        .doesNotContain("https://", "http://");
    HttpResponse<String> uplot = get("/assets/uplot/uPlot.iife.min.js");
    assertThat(uplot.statusCode()).isEqualTo(200);
    assertThat(uplot.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    assertThat(uplot.body()).contains("uPlot");
    assertThat(get("/assets/uplot/uPlot.min.css").statusCode()).isEqualTo(200);
    assertThat(get("/assets/dashboard.css").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswerNotFoundWhenAnAssetPathLeavesItsFolder() throws Exception {
    serve(4, List.of());

    for (String path : List.of("/assets/..%2F..%2Flogback.xml", "/assets/%2E%2E", "/assets/uplot/..%2Fpackage.json",
        "/assets/missing.js", "/assets/uplot/.hidden")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(JSON.readTree(r.body()).path("error").asText()).as(path).startsWith("no such asset");
    }
  }

  @Test
  void shouldListEveryTargetResourceAndServiceWhenAskedForSubjects() throws Exception {
    QueryTelemetry data = serve(5, List.of());

    JsonNode answer = JSON.readTree(get("/api/v1/subjects").body());

    assertThat(names(answer.path("targets"))).containsExactlyInAnyOrderElementsOf(data.targets);
    assertThat(names(answer.path("resources"))).containsExactlyInAnyOrderElementsOf(data.resources);
    // a resource's latest figures are its newest closed window's
    for (JsonNode r : answer.path("resources")) {
      MemorySample newest = data.lastClosedSample(r.path("name").asText());
      assertThat(r.path("latestTs").asLong()).as(r.path("name").asText())
          .isEqualTo(Math.floorDiv(newest.getTs(), 60_000L) * 60_000L + 60_000L);
    }
    assertThat(names(answer.path("services"))).containsExactlyInAnyOrderElementsOf(data.services);
    assertThat(answer.path("latestTs").asLong()).isBetween(BASE.toEpochMilli(), data.end);
  }

  @Test
  void shouldListChangeEventsInTheRangeWhenAskedForChanges() throws Exception {
    long deploy = BASE.plus(Duration.ofMinutes(12)).toEpochMilli();
    long later = BASE.plus(Duration.ofMinutes(31)).toEpochMilli();
    serve(6, List.of(new ChangeEvent(deploy, "search-api", "deploy", "agent update"),
        new ChangeEvent(later, "redis-queue", "config", "maxmemory")));

    JsonNode all = JSON.readTree(get("/api/v1/changes?from=" + BASE.toEpochMilli() + "&to=" + (later + 1)).body());
    JsonNode first = JSON.readTree(get("/api/v1/changes?from=" + BASE.toEpochMilli() + "&to=" + later).body());

    assertThat(all.path("count").asInt()).isEqualTo(2);
    assertThat(all.path("changes").get(0).path("target").asText()).isEqualTo("search-api");
    assertThat(all.path("changes").get(0).path("kind").asText()).isEqualTo("DEPLOY");
    assertThat(all.path("changes").get(1).path("ts").asLong()).isEqualTo(later);
    assertThat(first.path("count").asInt()).isEqualTo(1);
  }

  @Test
  void shouldGiveMemoryWindowsOldestFirstWhenAskedForAResourceSeries() throws Exception {
    QueryTelemetry data = serve(7, List.of());
    String resource = data.resources.get(0);

    JsonNode answer = JSON.readTree(get("/api/v1/memory/" + resource + "/windows?from=" + BASE.toEpochMilli()
        + "&to=" + data.end).body());

    JsonNode windows = answer.path("windows");
    assertThat(windows.size()).isGreaterThanOrEqualTo(35);
    long previous = Long.MIN_VALUE;
    for (JsonNode w : windows) {
      assertThat(w.path("windowStart").asLong()).isGreaterThan(previous);
      previous = w.path("windowStart").asLong();
      assertThat(w.path("maxUsedBytes").asLong()).isGreaterThanOrEqualTo(w.path("minUsedBytes").asLong());
    }
    assertThat(get("/api/v1/memory/no-such-resource/windows").statusCode()).isEqualTo(404);
  }

  private static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.path("name").asText()));
    return out;
  }
}

package dev.foreshock.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foreshock.Topics;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.ingest.Validation;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.runtime.ForeshockRuntime;
import dev.foreshock.runtime.RuntimeSettings;
import dev.foreshock.runtime.TelemetryProducer;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.RegistrySettings;
import dev.foreshock.serde.SchemaRegistries;
import dev.foreshock.serde.SchemaRegistry;
import dev.foreshock.simulate.Scenarios;
import dev.foreshock.simulate.SimulatedScenario;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard end to end: the embedded stack as {@code foreshock run} starts it
 * ({@link ForeshockRuntime}: KRaft broker, HTTP schema registry, the streams application and its
 * query API, on free loopback ports, data in a fresh directory), the generated rapid-rise seed
 * scenario produced by a real producer with the Avro serde, and the page in a real headless
 * Chromium driven by Selenium. Checks what an analyst sees: the charts with their series, and the
 * incident on the timeline with its members and probable cause. Saves a screenshot to
 * {@code target/dashboard.png}. Skips when Debian's {@code chromium} and {@code chromium-driver}
 * are not installed.
 */
class DashboardIT {

  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  private static final String QUEUE = "redis-queue";
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  @TempDir Path browserProfile;

  private final List<AutoCloseable> closing = new ArrayList<>();
  private ChromeDriver browser;

  @AfterEach
  void close() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void shouldShowChartsAndTheIncidentWhenTheRapidRiseScenarioRan() throws Exception {
    assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
        "DashboardIT needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
            + "apt-get install -y chromium chromium-driver");
    SimulatedScenario scenario = Scenarios.generate("rapid-rise", 7);
    Instant end = Instant.ofEpochMilli(scenario.endMs());
    String appId = "dashboard-it";
    // the data is a replay: the clock stands an hour after it, so nothing takes it for live telemetry
    Clock clock = Clock.fixed(end.plus(Duration.ofHours(1)), ZoneOffset.UTC);
    ForeshockRuntime runtime = ForeshockRuntime.start(embeddedSettings(appId),
        RegistrySettings.from(SettingsSource.of(Map.of())), ForeshockSettings.defaults(),
        new PipelineMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), clock);
    closing.add(runtime);
    String url = "http://127.0.0.1:" + runtime.settings().queryPort();

    // right after the start, as fast as the producer can, in event-time order across the topics:
    // Avro over the embedded HTTP registry, keyed and timestamped as the contract says
    SchemaRegistry schemas = SchemaRegistries.connect(RegistrySettings.of(runtime.registryUrl()));
    try (TelemetryProducer producer = new TelemetryProducer(runtime.bootstrapServers(), Map.of(),
        new AvroSerdes(schemas), new Validation(ForeshockSettings.defaults().ingest()), clock)) {
      assertThat(producer.publish(scenario.records())).isEqualTo(scenario.records().size());
    }
    await("every telemetry record consumed by " + appId)
        .atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
        .until(() -> consumedEverything(runtime.bootstrapServers(), appId));
    String incidentId = await("GET /api/v1/incidents listing the INCIDENT on " + QUEUE)
        .atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
        .until(() -> incidentId(url), id -> id != null);
    IncidentCandidate incident = await("the INCIDENT " + incidentId + " on " + Topics.CANDIDATES)
        .atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
        .until(() -> latest(runtime, incidentId), c -> c != null);
    assertThat(incident.getType()).isEqualTo(CandidateType.INCIDENT);

    browser = chromium();
    browser.manage().window().setSize(new Dimension(1440, 1000));
    String from = Instant.ofEpochMilli(scenario.startMs()).toString();
    browser.get(url + "/?from=" + from + "&to=" + end + "&live=false");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.until(b -> !b.findElements(By.cssSelector("body[data-loaded]")).isEmpty()
        || b.findElement(By.id("status")).getAttribute("class").contains("error"));
    assertThat(browser.findElement(By.id("status")).getAttribute("class"))
        .as("status line: %s", browser.findElement(By.id("status")).getText()).doesNotContain("error");

    // the incident on the timeline, with its members and the deploy as probable cause
    WebElement row = browser.findElement(By.cssSelector(
        "#timeline g.row[data-type='INCIDENT'][data-subject='" + QUEUE + "']"));
    assertThat(row.findElement(By.cssSelector("rect")).getAttribute("class")).contains(incident.getSeverity().name());
    WebElement card = browser.findElement(By.cssSelector("#incident-list article.incident[data-id='" + incident.getId() + "']"));
    assertThat(card.getText()).contains("Incident on " + QUEUE);
    // members can only have joined since the record above was read (late grouping): all of its
    // members are on the card
    List<String> members = card.findElements(By.cssSelector("ul.members li")).stream().map(WebElement::getText).toList();
    assertThat(members).hasSizeGreaterThanOrEqualTo(incident.getRelated().size());
    for (String member : incident.getRelated()) {
      String subject = member.split(":")[1];
      assertThat(members).as("member %s", member).anySatisfy(m -> assertThat(m).contains(subject));
    }
    assertThat(card.findElements(By.cssSelector("ol.causes li")).stream().map(WebElement::getText).toList())
        .containsExactlyElementsOf(incident.getProbableCauses());
    assertThat(incident.getProbableCauses()).anySatisfy(c -> assertThat(c).contains("search-api"));
    assertThat(browser.findElements(By.cssSelector("#timeline g.change-event[data-target='search-api']"))).isNotEmpty();

    // memory of the queue: peaks, floor, limit, fitted trend, projection; one point per minute at least
    WebElement memory = browser.findElement(By.id("mem-chart-" + QUEUE));
    assertThat(memory.getAttribute("data-series"))
        .isEqualTo("used (peak),used (floor),limit,fitted trend,projection to limit");
    long minutes = (scenario.endMs() - scenario.startMs()) / 60_000;
    assertThat(Integer.parseInt(memory.getAttribute("data-points"))).isGreaterThanOrEqualTo((int) (minutes * 0.9));
    assertLegend(memory, "used (peak)", "used (floor)", "limit", "fitted trend", "projection to limit");
    assertThat(memory.findElements(By.tagName("canvas"))).isNotEmpty();

    // connections of the queue: opens per 5 s window and the fleet fraction
    WebElement opens = browser.findElement(By.id("conn-chart-" + QUEUE));
    assertThat(opens.getAttribute("data-series")).isEqualTo("opens,opens in burst,acquire failures");
    assertThat(Integer.parseInt(opens.getAttribute("data-points"))).isGreaterThan(100);
    assertLegend(opens, "opens", "opens in burst", "acquire failures");
    assertLegend(browser.findElement(By.id("fleet-chart-" + QUEUE)), "fleet fraction", "span fleet fraction");

    // errors of every service that reported requests, against the baseline
    List<WebElement> errorCharts = browser.findElements(By.cssSelector("#services .chart"));
    assertThat(errorCharts).isNotEmpty();
    for (WebElement chart : errorCharts) {
      assertThat(chart.getAttribute("data-series")).isEqualTo("error ratio,baseline");
      assertThat(Integer.parseInt(chart.getAttribute("data-points"))).isGreaterThan((int) minutes);
      assertLegend(chart, "error ratio", "baseline");
    }

    screenshot();

    // live (the default): the latest 3 h up to the newest data, refreshed every few seconds
    browser.get(url + "/");
    wait.until(b -> !b.findElements(By.cssSelector("body[data-loaded]")).isEmpty());
    assertThat(browser.findElement(By.id("status")).getText()).contains("live");
    assertThat(browser.findElements(By.cssSelector("#timeline g.row[data-type='INCIDENT'][data-subject='" + QUEUE + "']")))
        .hasSize(1);
    String first = browser.findElement(By.tagName("body")).getAttribute("data-loaded");
    wait.until(b -> !first.equals(b.findElement(By.tagName("body")).getAttribute("data-loaded")));
  }

  /** The embedded stack on free loopback ports, with everything under {@link #dataDir}. */
  private RuntimeSettings embeddedSettings(String appId) throws IOException {
    Map<String, String> values = new HashMap<>();
    values.put("application.id", appId);
    values.put("data.dir", dataDir.toString());
    values.put("embedded.broker.port", "0");
    values.put("embedded.registry.port", "0");
    values.put("query.host", "127.0.0.1");
    // advertised as application.server before the streams client starts: a real port, not 0
    values.put("query.port", Integer.toString(freePort()));
    values.put("rocksdb.memory.mb", "16");
    values.put("shutdown.timeout", "20s");
    // the broker deletes changelog records by wall-clock retention: the windows of this replayed
    // data would be gone from the window stores' changelogs before a restore
    Map<String, String> kafka = Map.of(
        "windowstore.changelog.additional.retention.ms", Long.toString(Duration.ofDays(3650).toMillis()));
    return RuntimeSettings.from(SettingsSource.of(values), kafka);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** True when the application's group has committed the end offset of every telemetry partition. */
  private static boolean consumedEverything(String bootstrap, String appId) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      admin.describeTopics(Topics.TELEMETRY).allTopicNames().get(10, TimeUnit.SECONDS).values()
          .forEach(d -> d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()),
              OffsetSpec.latest())));
      return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).entrySet().stream().allMatch(e -> {
        OffsetAndMetadata c = committed.get(e.getKey());
        return e.getValue().offset() == 0 || (c != null && c.offset() == e.getValue().offset());
      });
    } catch (Exception e) {
      return false;
    }
  }

  /** The id of the INCIDENT on {@link #QUEUE} that {@code GET /api/v1/incidents} lists, or null. */
  private static String incidentId(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            url + "/api/v1/incidents?type=INCIDENT&subject=" + QUEUE)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return null;
    }
    JsonNode incidents = JSON.readTree(r.body()).path("incidents");
    return incidents.isEmpty() ? null : incidents.get(0).path("id").asText();
  }

  /** The newest record of candidate {@code id} on the candidates topic (read committed), or null. */
  private static IncidentCandidate latest(ForeshockRuntime runtime, String id) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Deserializer<IncidentCandidate> values = new AvroSerdes(runtime.registry()).valueSerde(IncidentCandidate.class)
        .deserializer();
    IncidentCandidate newest = null;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.CANDIDATES, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(Topics.CANDIDATES, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < endOffsets.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (id.equals(r.key())) {
            newest = values.deserialize(Topics.CANDIDATES, r.value());
          }
        }
      }
    }
    return newest;
  }

  private static void assertLegend(WebElement chart, String... labels) {
    List<String> shown = chart.findElements(By.cssSelector(".u-legend .u-series .u-label")).stream()
        .map(WebElement::getText).toList();
    assertThat(shown).contains(labels);
  }

  private void screenshot() throws Exception {
    long height = ((Number) ((JavascriptExecutor) browser)
        .executeScript("return document.documentElement.scrollHeight")).longValue();
    browser.manage().window().setSize(new Dimension(1440, (int) Math.min(8000, height + 20)));
    // a resize redraws the charts: wait for the page to say it has loaded again
    String before = browser.findElement(By.tagName("body")).getAttribute("data-loaded");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(b ->
        !before.equals(b.findElement(By.tagName("body")).getAttribute("data-loaded")));
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Path target = Path.of("target", "dashboard.png");
    Files.createDirectories(target.getParent());
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
  }

  private ChromeDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--hide-scrollbars", "--user-data-dir=" + browserProfile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER)
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
  }
}

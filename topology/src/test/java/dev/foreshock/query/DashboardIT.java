package dev.foreshock.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.simulate.Scenarios;
import dev.foreshock.simulate.SimulatedScenario;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
 * The dashboard end to end: the real topology (offline, {@link OfflinePipeline}) fed with the
 * generated rapid-rise seed scenario, the real query API on a real HTTP server, and the page in a
 * real headless Chromium driven by Selenium. Checks what an analyst sees: the charts with their
 * series, and the incident on the timeline with its members and probable cause. Saves a
 * screenshot to {@code target/dashboard.png}. Skips when Debian's {@code chromium} and
 * {@code chromium-driver} are not installed.
 */
class DashboardIT {

  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  private static final String QUEUE = "redis-queue";

  @TempDir Path stateDir;
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
    OfflinePipeline pipeline = new OfflinePipeline(ForeshockSettings.defaults(),
        Clock.fixed(end.plus(Duration.ofMinutes(5)), ZoneOffset.UTC), end.plus(Duration.ofMinutes(5)), stateDir);
    closing.add(pipeline);
    scenario.records().forEach(pipeline::pipe);
    List<IncidentCandidate> emitted = pipeline.drainCandidates();
    IncidentCandidate incident = emitted.stream()
        .filter(c -> c.getType() == CandidateType.INCIDENT && QUEUE.equals(c.getSubject()))
        .reduce((first, later) -> later)
        .orElseThrow(() -> new AssertionError("the pipeline emitted no INCIDENT on " + QUEUE + ": " + emitted));

    QueryServer server = new QueryServer("127.0.0.1", 0);
    closing.add(server);
    new QueryApi(new DriverStateAccess(pipeline.driver()), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        QueryLimits.defaults()).routes(server).start();

    browser = chromium();
    browser.manage().window().setSize(new Dimension(1440, 1000));
    String from = Instant.ofEpochMilli(scenario.startMs()).toString();
    browser.get(server.url() + "/?from=" + from + "&to=" + end + "&live=false");
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
    assertThat(card.findElements(By.cssSelector("ul.members li"))).hasSize(incident.getRelated().size());
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
    browser.get(server.url() + "/");
    wait.until(b -> !b.findElements(By.cssSelector("body[data-loaded]")).isEmpty());
    assertThat(browser.findElement(By.id("status")).getText()).contains("live");
    assertThat(browser.findElements(By.cssSelector("#timeline g.row[data-type='INCIDENT'][data-subject='" + QUEUE + "']")))
        .hasSize(1);
    String first = browser.findElement(By.tagName("body")).getAttribute("data-loaded");
    wait.until(b -> !first.equals(b.findElement(By.tagName("body")).getAttribute("data-loaded")));
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

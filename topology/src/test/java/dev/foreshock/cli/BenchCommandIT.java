package dev.foreshock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bench} end to end on a real embedded broker, with sizes small enough for CI. */
class BenchCommandIT {

  @Test
  void shouldPrintEveryFigureOfTheTableFromOneRun() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int status = Main.commandLine(Map.of()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("bench", "--events", "4000", "--backtest-events", "4000", "--latency-trials", "3", "--keys", "400", "--json");

    assertThat(status).as(err.toString()).isZero();
    JsonNode figures = new ObjectMapper().readTree(out.toString()).path("figures");
    assertThat(figures.path("passThrough.eventsPerSecond").path("value").asDouble()).isPositive();
    assertThat(figures.path("pipeline.eventsPerSecond").path("value").asDouble()).isPositive();
    assertThat(figures.path("pipeline.ratio").path("target").asText()).isEqualTo(">= 0.6");
    assertThat(figures.path("backtest.eventsPerSecond").path("value").asDouble()).isPositive();
    assertThat(figures.path("latency.p50Ms").path("value").asDouble()).isPositive();
    assertThat(figures.path("latency.p99Ms").path("value").asDouble())
        .isGreaterThanOrEqualTo(figures.path("latency.p50Ms").path("value").asDouble());
    // 400 new keys add state (what the detectors have checkpointed; the rest is in the heap figure)
    assertThat(figures.path("memory.stateEntriesPer100kKeys").path("value").asDouble()).isPositive();
    assertThat(figures.path("memory.stateMbPer100kKeys").path("value").asDouble()).isPositive();
    assertThat(figures.path("memory.heapMbPer100kKeys").path("unit").asText()).isEqualTo("MB");
    assertThat(err.toString()).contains("bench: backtest:").contains("bench: memory:");
  }
}

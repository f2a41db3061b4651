package dev.foreshock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchReportTest {

  @Test
  void shouldListEveryFigureWithUnitAndTargetWhenPrintedAsTable() {
    BenchReport report = new BenchReport();
    report.add("pipeline.ratio", "full pipeline / pass-through", 0.734, "x", ">= 0.6");
    report.add("pipeline.eventsPerSecond", "full pipeline", 41_250.4, "events/s", null);
    report.note("measured on a shared machine");

    String table = report.table();

    assertThat(table).contains("full pipeline / pass-through", "0.73", ">= 0.6", "41,250", "events/s",
        "note: measured on a shared machine");
  }

  @Test
  void shouldKeepValuesAndLeaveMissingOnesNullWhenWrittenAsJson() throws Exception {
    BenchReport report = new BenchReport();
    report.add("latency.p99Ms", "spike to candidate, p99", 812.5, "ms", null);
    report.add("latency.p50Ms", "spike to candidate, p50", Double.NaN, "ms", null);

    JsonNode json = new ObjectMapper().readTree(report.json());

    assertThat(json.at("/figures/latency.p99Ms/value").asDouble()).isEqualTo(812.5);
    assertThat(json.at("/figures/latency.p99Ms/unit").asText()).isEqualTo("ms");
    assertThat(json.at("/figures/latency.p50Ms/value").isNull()).isTrue();
    assertThat(json.at("/machine/cores").asInt()).isPositive();
  }
}

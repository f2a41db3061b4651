package dev.foreshock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.score.QualityBaseline;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void shouldPrintOneRowPerScenarioAndSeedWithTotalsAndWriteBaseline() {
    Path baseline = dir.resolve("baseline.json");

    int status = run("--seeds", "1,2", "--scenario", "pool-stall", "--scenario", "request-surge", "--write-baseline",
        baseline.toString());

    assertThat(status).isZero();
    List<String> rows = out.toString().lines().toList();
    assertThat(rows.get(0)).startsWith("scenario").contains("met").contains("false alarms").contains("min lead time");
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("pool-stall").contains(" 1 "));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("pool-stall").contains(" 2 "));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("request-surge").contains(" all "));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("total"));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("candidate type"));
    // one CONNECTION_FAILURES expectation per seed of pool-stall
    assertThat(rows).anySatisfy(r -> assertThat(r).matches("CONNECTION_FAILURES\\s+[0-2]/2\\b.*"));
    String total = rows.stream().filter(r -> r.startsWith("total")).findFirst().orElseThrow();
    QualityBaseline written = QualityBaseline.read(baseline);
    assertThat(written.seeds()).containsExactly(1L, 2L);
    assertThat(written.scenarios()).containsOnlyKeys("pool-stall", "request-surge");
    assertThat(written.scenarios().get("pool-stall").expectations()).isEqualTo(8);
    // the baseline written is exactly what the table reports
    int met = written.scenarios().values().stream().mapToInt(QualityBaseline.Entry::minMet).sum();
    assertThat(total).contains(" " + met + "/8 ");
  }

  @Test
  void shouldFailWhenBelowBaseline() throws Exception {
    Path baseline = dir.resolve("baseline.json");
    // a floor no run can reach: more expectations met than the scenario has
    new QualityBaseline(List.of(3L), Map.of("pool-stall", new QualityBaseline.Entry(4, 5, 0))).write(baseline);

    int status = run("--seeds", "3", "--scenario", "pool-stall", "--baseline", baseline.toString(), "--json");

    assertThat(status).isEqualTo(1);
    assertThat(out.toString()).startsWith("{\"seeds\":[3],\"runs\":[{\"scenario\":\"pool-stall\"")
        .contains("\"types\":[{\"name\":\"CONNECTION_FAILURES\",\"expectations\":1,\"met\":");
    assertThat(err.toString()).contains("below the baseline").containsPattern("pool-stall: [0-4] of 4 expectations met");
  }

  @Test
  void shouldExitWithUsageErrorForUnknownScenario() throws Exception {
    assertThat(run("--scenario", "nope")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown scenario \"nope\"");
  }

  private int run(String... args) {
    return new CommandLine(new EvaluateCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
  }
}

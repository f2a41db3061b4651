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
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("CONNECTION_FAILURES").contains("0/2"));
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("  pool-stall #2: missed CONNECTION_FAILURES "
        + "postgres-orders (>= WARNING within 1m00s): no CONNECTION_FAILURES candidate on postgres-orders"));
    QualityBaseline written = QualityBaseline.read(baseline);
    assertThat(written.seeds()).containsExactly(1L, 2L);
    assertThat(written.scenarios()).containsOnlyKeys("pool-stall", "request-surge");
    assertThat(written.scenarios().get("pool-stall").expectations()).isEqualTo(8);
  }

  @Test
  void shouldFailWhenBelowBaseline() throws Exception {
    Path baseline = dir.resolve("baseline.json");
    new QualityBaseline(List.of(3L), Map.of("pool-stall", new QualityBaseline.Entry(4, 4, 0))).write(baseline);

    int status = run("--seeds", "3", "--scenario", "pool-stall", "--baseline", baseline.toString(), "--json");

    assertThat(status).isEqualTo(1);
    assertThat(out.toString()).startsWith("{\"seeds\":[3],\"runs\":[{\"scenario\":\"pool-stall\"")
        .contains("\"types\":[{\"name\":\"CONNECTION_FAILURES\",\"expectations\":1,\"met\":0");
    assertThat(err.toString()).contains("below the baseline").contains("pool-stall: 0 of 4 expectations met");
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

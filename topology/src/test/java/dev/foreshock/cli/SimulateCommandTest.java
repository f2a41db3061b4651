package dev.foreshock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.json.JsonLines;
import dev.foreshock.score.Labels;
import dev.foreshock.score.LabelsFile;
import dev.foreshock.simulate.Scenarios;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void shouldListEveryScenarioOnOneLineEach() {
    int status = run("--list");

    assertThat(status).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(Scenarios.names().size());
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).startsWith(Scenarios.names().get(i) + " ");
    }
    assertThat(out.toString()).contains("seed 000").contains("must not fire");
  }

  @Test
  void shouldWriteIdenticalFilesForSameSeedAndLabelsThatReadBack() throws Exception {
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");
    Path labels = dir.resolve("a.json");

    assertThat(run("--scenario", "pool-stall", "--seed", "42", "--output", a.toString(), "--labels",
        labels.toString())).isZero();
    assertThat(run("--scenario", "pool-stall", "--seed", "42", "--output", b.toString())).isZero();

    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    Labels read = LabelsFile.read(labels);
    assertThat(read.scenario()).isEqualTo("pool-stall");
    assertThat(read.seed()).isEqualTo(42L);
    assertThat(read.expect()).isNotEmpty();
    JsonLines json = new JsonLines();
    for (String line : Files.readAllLines(a)) {
      json.parse(line);
    }
    assertThat(err.toString()).contains("pool-stall seed 42").contains(a.toString());
  }

  @Test
  void shouldMoveScenarioToEndAtGivenInstant() throws Exception {
    Path file = dir.resolve("q.jsonl");
    Path labels = dir.resolve("q.json");

    assertThat(run("--scenario", "quiet-baseline", "--end-at", "2026-02-01T10:00:00Z", "--output", file.toString(),
        "--labels", labels.toString())).isZero();

    assertThat(LabelsFile.read(labels).quiet().to()).isEqualTo(Instant.parse("2026-02-01T10:00:00Z").toEpochMilli());
  }

  @Test
  void shouldExitWithUsageErrorNamingScenariosWhenScenarioIsUnknown() {
    int status = run("--scenario", "rapid-rice", "--output", dir.resolve("x.jsonl").toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown scenario \"rapid-rice\"").contains("rapid-rise");
    assertThat(dir.resolve("x.jsonl")).doesNotExist();
  }

  @Test
  void shouldExitWithUsageErrorWhenOutputIsMissing() {
    assertThat(run("--scenario", "rapid-rise")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing --output");
  }

  @Test
  void shouldExitWithFailureWhenOutputCannotBeWritten() {
    int status = run("--scenario", "request-surge", "--output", dir.resolve("no/such/dir/x.jsonl").toString());

    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).contains("cannot write").contains("no/such/dir");
  }

  private int run(String... args) {
    return new CommandLine(new SimulateCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
  }
}

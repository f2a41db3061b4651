package dev.foreshock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.json.JsonLineException;
import dev.foreshock.json.JsonLines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: exit status, stdout, stderr. */
class MainTest {

  private static final Path EXAMPLES = Path.of(System.getProperty("basedir", ".")).resolve("../examples").normalize();
  private static final Pattern PROBLEM = Pattern.compile("^(.+):(\\d+): (.+)$");

  @TempDir Path dir;

  @Test
  void shouldReportEachBadLineWithItsNumberAndProcessTheRestWhenFileHasBadLines() {
    Path input = EXAMPLES.resolve("bad-lines.jsonl");

    Run run = run(Map.of(), "backtest", "--input", input.toString());

    List<String[]> problems = new ArrayList<>();
    for (String line : run.errLines()) {
      Matcher m = PROBLEM.matcher(line);
      if (m.matches() && m.group(1).equals(input.toString())) {
        problems.add(new String[] {m.group(2), m.group(3)});
      }
    }
    assertThat(problems).hasSize(3);
    assertThat(problems.get(0)[0]).isEqualTo("4");
    assertThat(problems.get(0)[1]).startsWith("not valid JSON");
    assertThat(problems.get(1)[0]).isEqualTo("7");
    assertThat(problems.get(1)[1]).isEqualTo("errors > requests (1200 > 1150)");
    assertThat(problems.get(2)[0]).isEqualTo("10");
    assertThat(problems.get(2)[1]).startsWith("unknown type \"disk\"");
    // 13 lines: 3 rejected, 1 blank, 9 records through the topology.
    assertThat(run.err()).contains("13 lines, 9 records, 3 rejected");
    assertThat(run.status()).isEqualTo(2);
  }

  @Test
  void shouldWriteOneCandidatePerSummaryCountAndExitZeroWhenExampleIsClean() throws IOException, JsonLineException {
    Path output = dir.resolve("candidates.jsonl");

    Run run = run(Map.of(), "backtest", "--input", EXAMPLES.resolve("redis-queue-deploy.jsonl").toString(),
        "--output", output.toString());

    assertThat(run.status()).isZero();
    assertThat(run.out()).isEmpty();
    Matcher summary = Pattern.compile("(\\d+) lines, (\\d+) records, 0 rejected, (\\d+) candidates").matcher(run.err());
    assertThat(summary.find()).as("summary in %s", run.err()).isTrue();
    assertThat(summary.group(2)).isEqualTo(summary.group(1));
    List<String> lines = Files.readAllLines(output);
    assertThat(lines).hasSize(Integer.parseInt(summary.group(3)));
    JsonLines json = new JsonLines();
    for (String line : lines) {
      assertThat(json.parseCandidate(line).getId()).isNotBlank();
    }
  }

  @Test
  void shouldPrintScorecardWithDelayWhenLabelsAreGiven() {
    Run run = run(Map.of(), "backtest", "--input", EXAMPLES.resolve("redis-queue-deploy.jsonl").toString(),
        "--labels", EXAMPLES.resolve("redis-queue-deploy.labels.json").toString(), "--json",
        "--output", dir.resolve("candidates.jsonl").toString());

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"met\":1").contains("\"missed\":0").contains("\"falseAlarms\":0");
    // the search-api spike starts with the interval ending 01:07:20; its window is judged 40 s later,
    // at the first record of its shard past that (one shard: of the file, which is denser)
    assertThat(delayMs(run.out())).isBetween(40_000L, 41_000L);
    Run oneShard = run(Map.of(), "backtest", "--input", EXAMPLES.resolve("redis-queue-deploy.jsonl").toString(),
        "--labels", EXAMPLES.resolve("redis-queue-deploy.labels.json").toString(), "--json", "--shards", "1",
        "--output", dir.resolve("candidates-1.jsonl").toString());
    assertThat(delayMs(oneShard.out())).isEqualTo(40_000L);
  }

  private static long delayMs(String scorecard) {
    Matcher m = Pattern.compile("\"medianDelayMs\":(\\d+)").matcher(scorecard);
    assertThat(m.find()).as(scorecard).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void shouldExitTwoNamingTheFileWhenLabelsAreMalformed() throws IOException {
    Path labels = dir.resolve("labels.json");
    Files.writeString(labels, "{\"expect\": [ {\"type\": 3} ]}");

    Run run = run(Map.of(), "backtest", "--input", EXAMPLES.resolve("bad-lines.jsonl").toString(),
        "--labels", labels.toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains(labels.toString());
  }

  @Test
  void shouldExitTwoNamingTheFileWhenInputDoesNotExist() {
    Path missing = dir.resolve("nope.jsonl");

    Run run = run(Map.of(), "backtest", "--input", missing.toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains(missing + ": no such file");
  }

  @Test
  void shouldExitTwoWithUsageWhenInputIsMissingOrOptionUnknown() {
    Run noInput = run(Map.of(), "backtest");
    Run unknown = run(Map.of(), "backtest", "--input", "x.jsonl", "--frobnicate");
    Run noCommand = run(Map.of());
    Run setWithoutValue = run(Map.of(), "backtest", "--input", "x.jsonl", "--set", "ingest.max.name.length");

    assertThat(noInput.status()).isEqualTo(2);
    assertThat(noInput.err()).contains("Missing required option: '--input=FILE.jsonl'").contains("Usage:");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unknown option: '--frobnicate'");
    assertThat(noCommand.status()).isEqualTo(2);
    assertThat(noCommand.err()).contains("Missing command");
    assertThat(setWithoutValue.status()).isEqualTo(2);
    assertThat(setWithoutValue.err()).contains("should be in KEY=VALUE format");
  }

  @Test
  void shouldWarnNamingKeyAndOriginWhenSettingIsUnknown() {
    Run run = run(Map.of("FORESHOCK_INGEST_MAX_TEXT_LENGHT", "100", "FORESHOCK_JAVA_OPTS", "-Xmx1g"),
        "backtest", "--input", EXAMPLES.resolve("redis-queue-deploy.jsonl").toString(),
        "--output", dir.resolve("out.jsonl").toString(), "--set", "conections.window=10s");

    assertThat(run.status()).isZero();
    assertThat(run.err())
        .contains("unknown setting 'conections.window' (from --set conections.window) ignored")
        .contains("unknown setting 'ingest.max.text.lenght' (from environment variable "
            + "FORESHOCK_INGEST_MAX_TEXT_LENGHT) ignored")
        .doesNotContain("java.opts");
  }

  @Test
  void shouldExitTwoNamingKeyAndSourceWhenSettingIsOutOfRange() throws IOException {
    Path config = dir.resolve("foreshock.properties");
    Files.writeString(config, "ingest.max.name.length = 3\n");

    Run fromFile = run(Map.of(), "backtest", "--input", EXAMPLES.resolve("bad-lines.jsonl").toString(),
        "--config", config.toString());
    Run fromEnv = run(Map.of("FORESHOCK_INGEST_MAX_NAME_LENGTH", "5"), "backtest", "--input",
        EXAMPLES.resolve("bad-lines.jsonl").toString(), "--config", config.toString());
    Run fromFlag = run(Map.of("FORESHOCK_INGEST_MAX_NAME_LENGTH", "5"), "backtest", "--input",
        EXAMPLES.resolve("bad-lines.jsonl").toString(), "--config", config.toString(),
        "--set", "ingest.max.name.length=7");

    assertThat(fromFile.status()).isEqualTo(2);
    assertThat(fromFile.err()).contains("ingest.max.name.length = 3 (from " + config + ") is out of range");
    assertThat(fromEnv.err()).contains("ingest.max.name.length = 5 (from environment variable "
        + "FORESHOCK_INGEST_MAX_NAME_LENGTH) is out of range");
    assertThat(fromFlag.err()).contains("ingest.max.name.length = 7 (from --set ingest.max.name.length) is out of range");
  }

  @Test
  void shouldExitTwoWhenConfigFileIsMissing() {
    Run run = run(Map.of(), "backtest", "--input", EXAMPLES.resolve("bad-lines.jsonl").toString(),
        "--config", dir.resolve("missing.properties").toString());

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--config " + dir.resolve("missing.properties") + ": file not found");
  }

  @Test
  void shouldAnswerHelpAndVersionOnEveryCommand() {
    List<List<String>> commands = new ArrayList<>();
    commands.add(List.of());
    Main.commandLine(Map.of()).getSubcommands().keySet().forEach(name -> commands.add(List.of(name)));
    assertThat(commands).hasSizeGreaterThan(1);

    for (List<String> command : commands) {
      Run help = run(Map.of(), concat(command, "--help"));
      Run version = run(Map.of(), concat(command, "--version"));

      assertThat(help.status()).as("%s --help", command).isZero();
      assertThat(help.out()).as("%s --help", command).startsWith("Usage: foreshock");
      assertThat(version.status()).as("%s --version", command).isZero();
      assertThat(version.out()).as("%s --version", command).startsWith("foreshock ");
    }
  }

  private static String[] concat(List<String> command, String option) {
    List<String> all = new ArrayList<>(command);
    all.add(option);
    return all.toArray(String[]::new);
  }

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env);
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int status, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }
}

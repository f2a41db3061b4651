package dev.foreshock.cli;

import dev.foreshock.backtest.Backtest;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.score.Evaluation;
import dev.foreshock.score.EvaluationReport;
import dev.foreshock.score.QualityBaseline;
import dev.foreshock.simulate.Scenarios;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./foreshock evaluate}: every scenario over several seeds, in-process through the real
 * topology, scored against its labels, in one table; optionally compared with (or written as) the
 * quality baseline that CI holds the detectors to.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Runs the simulated scenarios over several seeds through the real topology (offline) and prints "
        + "one table of detection quality: expectations met/missed, false alarms, delays, lead times.",
        "Exit status 1 if --baseline is given and quality dropped below it."})
public final class EvaluateCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--seeds", paramLabel = "N,N,...", split = ",", defaultValue = "1,2,3",
      description = "Seeds to run every scenario with (default: ${DEFAULT-VALUE}).")
  private List<Long> seeds;

  @Option(names = "--scenario", paramLabel = "NAME", split = ",",
      description = "Only these scenarios (repeatable or comma-separated; default: all).")
  private List<String> scenarios = new ArrayList<>();

  @Option(names = "--json", description = "Print JSON instead of the table.")
  private boolean json;

  @Option(names = "--shards", paramLabel = "N", defaultValue = "" + Backtest.DEFAULT_SHARDS,
      description = "Split each run by key into N shards, as a backtest does (default: ${DEFAULT-VALUE}).")
  private int shards;

  @Option(names = "--config", paramLabel = "FILE", description = "A properties file of detector settings to evaluate.")
  private Path config;

  @Option(names = "--baseline", paramLabel = "FILE",
      description = "Compare with this quality baseline; exit 1 on a drop (fewer met, more false alarms).")
  private Path baseline;

  @Option(names = "--write-baseline", paramLabel = "FILE",
      description = "Write the result as the new quality baseline (e.g. topology/src/test/resources/quality-baseline.json).")
  private Path writeBaseline;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (String s : scenarios) {
      if (Scenarios.find(s).isEmpty()) {
        throw new ParameterException(spec.commandLine(), "Unknown scenario \"" + s + "\"; known: "
            + String.join(", ", Scenarios.names()));
      }
    }
    if (shards < 1) {
      throw new ParameterException(spec.commandLine(), "--shards must be 1 or more, not " + shards);
    }
    if (seeds.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--seeds needs at least one seed");
    }
    ForeshockSettings settings;
    try {
      settings = ForeshockSettings.from(SettingsSource.layered(config, System.getenv(), Map.of()));
    } catch (SettingsException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    QualityBaseline floor = null;
    if (baseline != null) {
      try {
        floor = QualityBaseline.read(baseline);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    Path scratch = Files.createTempDirectory("foreshock-evaluate-");
    Evaluation.Result result;
    try {
      result = Evaluation.run(scenarios, seeds, settings, shards, scratch, run -> {
        err.printf(Locale.ROOT, "evaluate: %s #%d: %d/%d met, %d false alarms (%d records, %d ms)%n", run.scenario(),
            run.seed(), run.score().met(), run.score().expectations().size(), run.score().falseAlarms().size(),
            run.records(), run.elapsedMs());
        err.flush();
      });
    } finally {
      try (Stream<Path> paths = Files.walk(scratch)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    out.print(json ? EvaluationReport.json(result) : EvaluationReport.text(result));
    out.flush();
    if (writeBaseline != null) {
      QualityBaseline.of(result).write(writeBaseline);
      err.println("evaluate: baseline written to " + writeBaseline);
    }
    if (floor != null) {
      List<String> problems = floor.regressions(result);
      if (!problems.isEmpty()) {
        problems.forEach(p -> err.println("evaluate: below the baseline " + baseline + ": " + p));
        err.flush();
        return 1;
      }
      err.println("evaluate: at or above the baseline " + baseline);
    }
    err.flush();
    return 0;
  }
}

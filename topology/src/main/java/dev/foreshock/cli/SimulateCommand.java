package dev.foreshock.cli;

import dev.foreshock.score.LabelsFile;
import dev.foreshock.simulate.Scenario;
import dev.foreshock.simulate.Scenarios;
import dev.foreshock.simulate.SimulatedScenario;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./foreshock simulate}: writes a reproducible scenario as contract JSON lines, with its
 * labels; {@code --list} names the scenarios.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Writes a reproducible scenario (a seed incident or a negative control) as JSON lines, "
        + "with its labels (the truth of what was generated) for scoring a backtest.",
        "The same scenario and seed always give byte-identical files."})
public final class SimulateCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--list", description = "List the scenarios, one line each, and exit.")
  private boolean list;

  @Option(names = "--scenario", paramLabel = "NAME", description = "The scenario to write (see --list).")
  private String scenario;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "Seed that draws the scenario's parameters and noise (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(names = "--output", paramLabel = "FILE.jsonl", description = "Where to write the telemetry.")
  private Path output;

  @Option(names = "--labels", paramLabel = "FILE.json", description = "Where to write the labels (optional).")
  private Path labels;

  @Option(names = "--end-at", paramLabel = "INSTANT",
      description = "Move the scenario in time so that it ends at this ISO-8601 instant, e.g. 2025-09-17T12:00:00Z "
          + "(default: its own fixed dates in 2025).")
  private Instant endAt;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (list) {
      int width = Scenarios.names().stream().mapToInt(String::length).max().orElse(0);
      for (Scenario s : Scenarios.all()) {
        out.printf(Locale.ROOT, "%-" + width + "s  %s%n", s.name(), s.description());
      }
      out.flush();
      return 0;
    }
    if (scenario == null) {
      throw new ParameterException(spec.commandLine(), "Missing --scenario NAME (or --list to see the names)");
    }
    if (output == null) {
      throw new ParameterException(spec.commandLine(), "Missing --output FILE.jsonl");
    }
    if (Scenarios.find(scenario).isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Unknown scenario \"" + scenario + "\"; known: "
          + String.join(", ", Scenarios.names()));
    }
    SimulatedScenario s = Scenarios.generate(scenario, seed);
    if (endAt != null) {
      s = s.shiftedToEndAt(endAt);
    }
    try {
      try (BufferedWriter w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        s.writeJsonLines(w);
      }
      if (labels != null) {
        LabelsFile.write(s.labels(), labels);
      }
    } catch (IOException e) {
      err.println("simulate: cannot write " + (e.getMessage() == null ? e : e.getMessage()));
      err.flush();
      return 1;
    }
    err.printf(Locale.ROOT, "simulate: %s seed %d: %d records from %s to %s written to %s%s%n", s.name(), s.seed(),
        s.records().size(), Instant.ofEpochMilli(s.startMs()), Instant.ofEpochMilli(s.endMs()), output,
        labels == null ? "" : ", labels to " + labels);
    err.flush();
    return 0;
  }
}

package dev.foreshock.cli;

import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.backtest.Backtest;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.json.JsonLines;
import dev.foreshock.score.Labels;
import dev.foreshock.score.LabelsException;
import dev.foreshock.score.LabelsFile;
import dev.foreshock.score.Scorecard;
import dev.foreshock.score.ScorecardPrinter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code foreshock backtest --input F.jsonl [--output F.jsonl] [--labels F.json [--json]]}: the
 * real topology, offline, over a file; candidates as JSON lines on stdout or in {@code --output};
 * problems, progress, a summary and the scorecard on stderr (the JSON scorecard on stdout when the
 * candidates went to {@code --output}).
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Runs the topology offline over a JSON-lines telemetry file, in the order read, and writes the "
            + "incident candidates as JSON lines (stdout unless --output).",
        "Bad lines are reported on stderr as file:line: reason and skipped; a progress line every 2 s "
            + "and a summary go to stderr too."},
    footer = {"", "Exit status: 0 done; 2 the input cannot be read, or some lines were rejected (reported, "
        + "skipped, and everything else processed and written); 1 any other failure."})
final class BacktestCommand implements Callable<Integer> {

  private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

  @ParentCommand private Main main;
  @Spec private CommandSpec spec;
  @Mixin private SettingsOptions settingsOptions;

  @Option(names = "--input", required = true, paramLabel = "FILE.jsonl",
      description = "Telemetry as JSON lines (contract section 2).")
  private Path input;

  @Option(names = "--output", paramLabel = "FILE.jsonl",
      description = "Where to write the candidates (default: stdout).")
  private Path output;

  @Option(names = "--labels", paramLabel = "FILE.json",
      description = "Scenario labels (contract section 4): print the scorecard on stderr after the run.")
  private Path labelsFile;

  @Option(names = "--json", description = "With --labels: the scorecard as JSON instead of a table.")
  private boolean json;

  @Option(names = "--shards", paramLabel = "N", defaultValue = "" + Backtest.DEFAULT_SHARDS,
      description = "Split the telemetry by key into N shards processed in parallel, as live it is split "
          + "into partitions; the candidates depend on N, not on the machine (default: ${DEFAULT-VALUE}).")
  private int shards;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    SettingsSource source = settingsOptions.source(main.environment());
    ForeshockSettings settings = ForeshockSettings.from(source);
    SettingsOptions.warnUnknown(source, err);

    if (shards < 1) {
      throw new UsageException("--shards must be 1 or more, not " + shards);
    }
    if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
      throw new UsageException(input + ": " + (Files.exists(input) ? "not a readable file" : "no such file"));
    }
    Labels labels = null;
    if (labelsFile != null) {
      try {
        labels = LabelsFile.read(labelsFile);
      } catch (LabelsException e) {
        throw new UsageException(e.getMessage());
      }
    }
    Backtest.Result result;
    List<IncidentCandidate> candidates = new ArrayList<>();
    try (Writer out = openOutput()) {
      Listener listener = new Listener(out, err, labels == null ? null : candidates);
      try {
        result = new Backtest(settings, Clock.systemUTC(), shards, Runtime.getRuntime().availableProcessors())
            .run(input, listener);
      } catch (IOException e) {
        throw new UsageException(input + ": cannot read: " + e.getMessage());
      } catch (UncheckedIOException e) {
        throw new IOException("cannot write candidates to " + (output == null ? "stdout" : output) + ": "
            + e.getCause().getMessage(), e);
      }
    }
    err.println(summary(result));
    if (labels != null) {
      List<Scorecard.FileScore> card = List.of(Scorecard.score(input.getFileName().toString(), labels, candidates));
      // stdout carries the candidates unless they went to --output
      PrintWriter to = output != null && json ? spec.commandLine().getOut() : err;
      to.println(json ? ScorecardPrinter.json(card) : ScorecardPrinter.text(card));
      to.flush();
    }
    long rejected = result.rejected() + result.deadLetters();
    if (rejected > 0) {
      err.println(input + ": " + rejected + " line" + (rejected == 1 ? " was" : "s were")
          + " rejected (reported above); exit status 2");
      err.flush();
      return ExitStatus.USAGE;
    }
    err.flush();
    return ExitStatus.OK;
  }

  private Writer openOutput() {
    if (output == null) {
      PrintWriter stdout = spec.commandLine().getOut();
      return new Writer() { // stdout stays open after the command
        @Override
        public void write(char[] buf, int off, int len) {
          stdout.write(buf, off, len);
        }

        @Override
        public void flush() {
          stdout.flush();
        }

        @Override
        public void close() {
          stdout.flush();
        }
      };
    }
    try {
      return new BufferedWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8), 1 << 16);
    } catch (IOException e) {
      throw new UsageException("--output " + output + ": cannot write: " + e.getMessage());
    }
  }

  private String summary(Backtest.Result r) {
    String byType = r.candidatesByType().isEmpty() ? "" : r.candidatesByType().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", ", " (", ")"));
    return String.format(Locale.ROOT,
        "summary: %s: %d lines, %d records, %d rejected%s, %d candidates%s; %.2f s, %.0f events/s "
            + "(CPU: topology %.2f s, reader %.2f s)",
        input, r.lines(), r.records(), r.rejected(),
        r.deadLetters() == 0 ? "" : ", " + r.deadLetters() + " dead letters",
        r.candidates(), byType, r.elapsed().toNanos() / 1e9, r.eventsPerSecond(), r.cpu().toNanos() / 1e9, r.readerCpu().toNanos() / 1e9);
  }

  /** Writes candidates and problems as they come, and a progress line every 2 s. */
  private final class Listener implements Backtest.Listener {
    private final JsonLines json = new JsonLines();
    private final Writer out;
    private final PrintWriter err;
    private final List<IncidentCandidate> collected;
    private final long started = System.nanoTime();
    private long lastProgress = started;

    Listener(Writer out, PrintWriter err, List<IncidentCandidate> collected) {
      this.out = out;
      this.err = err;
      this.collected = collected;
    }

    @Override
    public void candidate(IncidentCandidate candidate) {
      if (collected != null) {
        collected.add(candidate);
      }
      try {
        out.write(json.format(candidate));
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void problem(String message) {
      err.println(message);
    }

    @Override
    public void progress(long lines, long bytesRead, long totalBytes, long records) {
      long now = System.nanoTime();
      if (now - lastProgress < PROGRESS_EVERY_NANOS) {
        return;
      }
      lastProgress = now;
      double seconds = (now - started) / 1e9;
      err.println(String.format(Locale.ROOT, "progress: %s: %.0f%% (%,d lines, %,.0f events/s)", input,
          totalBytes == 0 ? 100.0 : Math.min(100.0, 100.0 * bytesRead / totalBytes), lines, records / seconds));
      err.flush();
    }
  }
}

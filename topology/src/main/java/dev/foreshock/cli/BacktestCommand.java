package dev.foreshock.cli;

import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.backtest.Backtest;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.json.JsonLines;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
 * {@code foreshock backtest --input F.jsonl [--output F.jsonl]}: the real topology, offline, over
 * a file; candidates as JSON lines on stdout or in {@code --output}; problems, progress and a
 * summary on stderr.
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

  // The scorecard (contract section 4) plugs in here: --labels FILE.json (and --json for a
  // machine-readable scorecard), scored by the score package over the candidates collected below.

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    SettingsSource source = settingsOptions.source(main.environment());
    ForeshockSettings settings = ForeshockSettings.from(source);
    SettingsOptions.warnUnknown(source, err);

    if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
      throw new UsageException(input + ": " + (Files.exists(input) ? "not a readable file" : "no such file"));
    }
    Backtest.Result result;
    try (Writer out = openOutput()) {
      Listener listener = new Listener(out, err);
      try {
        result = new Backtest(settings, Clock.systemUTC()).run(input, listener);
      } catch (IOException e) {
        throw new UsageException(input + ": cannot read: " + e.getMessage());
      } catch (UncheckedIOException e) {
        throw new IOException("cannot write candidates to " + (output == null ? "stdout" : output) + ": "
            + e.getCause().getMessage(), e);
      }
    }
    err.println(summary(result));
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
    private final long started = System.nanoTime();
    private long lastProgress = started;

    Listener(Writer out, PrintWriter err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public void candidate(IncidentCandidate candidate) {
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

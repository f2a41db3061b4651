package dev.foreshock.score;

import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.backtest.ShardedPipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.score.Scorecard.FileScore;
import dev.foreshock.simulate.Scenarios;
import dev.foreshock.simulate.SimulatedScenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Detection quality over the simulated scenarios: generates each scenario for each seed, runs it
 * in-process through the real topology ({@link OfflinePipeline}) and scores the candidates against
 * the scenario's labels.
 */
public final class Evaluation {

  private Evaluation() {
  }

  /** One scenario for one seed: its score, how much went in and out, how long it took. */
  public record Run(String scenario, long seed, FileScore score, long records, long candidates, long deadLetters,
      long elapsedMs) {}

  /** What the offline pipeline wrote for one scenario: every candidate, and how many records it dead-lettered. */
  public record Output(List<IncidentCandidate> candidates, long deadLetters) {}

  /** All runs, in the order scenario by scenario, seed by seed. */
  public record Result(List<String> scenarios, List<Long> seeds, List<Run> runs) {

    public Result {
      scenarios = List.copyOf(scenarios);
      seeds = List.copyOf(seeds);
      runs = List.copyOf(runs);
    }

    /** The runs of one scenario, all seeds together, as one score named after the scenario. */
    public FileScore scenarioTotal(String scenario) {
      List<FileScore> scores = runs.stream().filter(r -> r.scenario().equals(scenario)).map(Run::score).toList();
      FileScore all = Scorecard.total(scores);
      return new FileScore(scenario, all.expectations(), all.falseAlarms());
    }

    public FileScore total() {
      return Scorecard.total(runs.stream().map(Run::score).toList());
    }
  }

  /**
   * Evaluates {@code scenarios} (all when empty) over {@code seeds}, each run split into
   * {@code shards} as a backtest splits it (see {@link ShardedPipeline}).
   *
   * @param scratch where the offline pipelines keep their state stores (deleted after each run)
   * @param progress told about each run as it finishes
   */
  public static Result run(List<String> scenarios, List<Long> seeds, ForeshockSettings settings, int shards,
      Path scratch, Consumer<Run> progress) {
    List<String> names = scenarios.isEmpty() ? Scenarios.names() : List.copyOf(new LinkedHashSet<>(scenarios));
    for (String n : names) {
      Scenarios.find(n).orElseThrow(() -> new IllegalArgumentException(
          "unknown scenario \"" + n + "\"; known: " + String.join(", ", Scenarios.names())));
    }
    List<Run> runs = new ArrayList<>();
    for (String name : names) {
      for (long seed : seeds) {
        long t0 = System.nanoTime();
        SimulatedScenario scenario = Scenarios.generate(name, seed);
        Output output = backtest(scenario, settings, shards, scratch);
        FileScore score = Scorecard.score(name + "#" + seed, scenario.labels(), output.candidates());
        Run run = new Run(name, seed, score, scenario.records().size(), output.candidates().size(),
            output.deadLetters(), (System.nanoTime() - t0) / 1_000_000);
        runs.add(run);
        progress.accept(run);
      }
    }
    return new Result(names, seeds, runs);
  }

  /**
   * Runs one scenario through the real topology and returns what it wrote. The wall
   * clock is fixed an hour after the scenario's end, so no record is ahead of it.
   */
  public static Output backtest(SimulatedScenario scenario, ForeshockSettings settings, int shards,
      Path scratch) {
    Path stateDir;
    try {
      Files.createDirectories(scratch);
      stateDir = Files.createTempDirectory(scratch, "evaluate-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a state directory under " + scratch, e);
    }
    List<IncidentCandidate> out = new ArrayList<>();
    long[] deadLetters = {0};
    Instant end = Instant.ofEpochMilli(scenario.endMs());
    try (ShardedPipeline pipeline = new ShardedPipeline(settings, Clock.fixed(end.plus(Duration.ofHours(1)),
        ZoneOffset.UTC), Instant.ofEpochMilli(scenario.startMs()), stateDir, shards,
        Runtime.getRuntime().availableProcessors())) {
      pipeline.replay(scenario.records(), ShardedPipeline.ROUND, () -> {
        out.addAll(pipeline.drainCandidates());
        deadLetters[0] += pipeline.drainDeadLetters().size();
      });
    } catch (RuntimeException e) {
      throw new IllegalStateException("scenario " + scenario.name() + " seed " + scenario.seed()
          + " failed in the offline pipeline: " + e, e);
    } finally {
      deleteRecursively(stateDir);
    }
    return new Output(out, deadLetters[0]);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: a leftover state directory in the scratch dir is harmless
        }
      });
    } catch (IOException e) {
      // best effort, as above
    }
  }
}

package dev.foreshock.cli;

import dev.foreshock.backtest.Backtest;
import dev.foreshock.bench.BenchReport;
import dev.foreshock.bench.LiveBench;
import dev.foreshock.bench.Workload;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.json.JsonLines;
import dev.foreshock.metrics.PipelineMetrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.foreshock.runtime.KafkaClientProperties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code foreshock bench}: in one run on one embedded broker, the full pipeline's throughput
 * against a pass-through streams application over the same events (the ratio is the headline),
 * the offline backtest rate, the end-to-end latency of a failure spike, and heap and state per
 * 100k keys. The table (or {@code --json}) goes to stdout, progress to stderr.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Measures, on an embedded broker and registry in a temporary directory: the full pipeline's throughput "
            + "against a plain pass-through streams application over the same generated telemetry (same Avro serde, "
            + "same processing guarantee), the offline backtest rate, the end-to-end latency of an error-rate "
            + "spike (p50/p99), and heap and state-store size per 100k keys.",
        "Prints a table (or --json) on stdout; progress goes to stderr. Takes a few minutes with the defaults."},
    footer = {"", "Exit status: 0 done; 2 bad usage; 1 any other failure."})
final class BenchCommand implements Callable<Integer> {

  @ParentCommand private Main main;
  @Spec private CommandSpec spec;
  @Mixin private SettingsOptions settingsOptions;

  @Option(names = "--events", paramLabel = "N", defaultValue = "100000",
      description = "Telemetry events for the throughput runs (default ${DEFAULT-VALUE}).")
  private long events;

  @Option(names = "--backtest-events", paramLabel = "N", defaultValue = "1000000",
      description = "Events in the offline backtest's file (default ${DEFAULT-VALUE}: long enough that "
          + "the JIT's warm-up and the start of the pipelines do not dominate, as they do not in a "
          + "month's replay).")
  private long backtestEvents;

  @Option(names = "--backtest-shards", paramLabel = "N", defaultValue = "" + Backtest.DEFAULT_SHARDS,
      description = "Shards of the backtest, as `backtest --shards` (default ${DEFAULT-VALUE}).")
  private int backtestShards;

  @Option(names = "--latency-trials", paramLabel = "N", defaultValue = "20",
      description = "Error-rate spikes timed end to end (default ${DEFAULT-VALUE}).")
  private int trials;

  @Option(names = "--keys", paramLabel = "N", defaultValue = "20000",
      description = "New keys (half memory resources, half instances) for the heap and state figures, "
          + "scaled to 100k (default ${DEFAULT-VALUE}).")
  private int keys;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the generated telemetry.")
  private long seed;

  @Option(names = "--skip", paramLabel = "PART", split = ",",
      description = "Parts to leave out: throughput, backtest, latency, memory.")
  private List<String> skip = List.of();

  @Option(names = "--json", description = "Print the figures as JSON instead of a table.")
  private boolean json;

  private Map<String, String> kafka = Map.of();
  private String rocksDbMemoryMb;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (backtestShards < 1) {
      throw new UsageException("--backtest-shards must be 1 or more, not " + backtestShards);
    }
    if (events < 1_000 || backtestEvents < 1_000 || trials < 0 || keys < 0) {
      throw new UsageException("--events and --backtest-events must be at least 1000; --latency-trials and --keys"
          + " must not be negative");
    }
    SettingsSource source = settingsOptions.source(main.environment());
    ForeshockSettings settings = ForeshockSettings.from(source);
    kafka = KafkaClientProperties.collect(source, main.environment());
    rocksDbMemoryMb = source.string("rocksdb.memory.mb", null);
    SettingsOptions.warnUnknown(source, err);
    BenchReport report = new BenchReport();
    Path dir = Files.createTempDirectory("foreshock-bench-");
    long now = System.currentTimeMillis();
    // Event times: the throughput data ends 8 h ago, the latency trials and the new keys follow it,
    // everything before the wall clock (ingest refuses the future).
    long dataEnd = now - Duration.ofHours(8).toMillis();
    try {
      if (!skip.contains("backtest")) {
        // whole days, so that two runs replay the same events against the same clock: the same candidates
        long backtestEnd = Math.floorDiv(dataEnd, Duration.ofDays(1).toMillis()) * Duration.ofDays(1).toMillis();
        backtest(settings, dir, backtestEnd, report, err);
      }
      if (!skip.contains("throughput") || !skip.contains("latency") || !skip.contains("memory")) {
        live(settings, dir, dataEnd, report, err);
      }
    } finally {
      deleteRecursively(dir);
    }
    out.print(json ? report.json() + "\n" : report.table());
    out.flush();
    return ExitStatus.OK;
  }

  private void backtest(ForeshockSettings settings, Path dir, long dataEnd, BenchReport report, PrintWriter err)
      throws IOException {
    progress(err, "backtest: generating " + backtestEvents + " events");
    Path file = dir.resolve("backtest.jsonl");
    JsonLines lines = new JsonLines();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (SpecificRecord r : Workload.scenarios(backtestEvents, seed, dataEnd)) {
        w.write(lines.format(r));
        w.write('\n');
      }
    }
    progress(err, "backtest: running over " + file + " (" + Files.size(file) / (1024 * 1024) + " MB)");
    long[] candidates = {0};
    long[] lastProgress = {System.nanoTime()};
    int threads = Runtime.getRuntime().availableProcessors();
    Clock clock = Clock.fixed(Instant.ofEpochMilli(dataEnd).plus(Duration.ofHours(8)), ZoneOffset.UTC);
    Backtest.Result r = new Backtest(settings, clock, backtestShards, threads).run(file,
        new Backtest.Listener() {
      @Override
      public void candidate(IncidentCandidate candidate) {
        candidates[0]++;
      }

      @Override
      public void problem(String message) {
        BenchCommand.progress(err, "backtest: " + message);
      }

      @Override
      public void progress(long lines, long bytesRead, long totalBytes, long records) {
        long now = System.nanoTime();
        if (now - lastProgress[0] > 2_000_000_000L) {
          lastProgress[0] = now;
          BenchCommand.progress(err, String.format(Locale.ROOT, "backtest: %,d records (%d%%)", records,
              totalBytes == 0 ? 100 : bytesRead * 100 / totalBytes));
        }
      }
    });
    progress(err, String.format(Locale.ROOT, "backtest: %,d events in %.2f s, %,d candidates", r.records(),
        r.elapsed().toNanos() / 1e9, candidates[0]));
    report.add("backtest.eventsPerSecond", "offline backtest rate (wall)", r.eventsPerSecond(), "events/s",
        ">= 150,000");
    report.add("backtest.eventsPerCpuSecond", "offline backtest rate (CPU of busier thread)", r.eventsPerCpuSecond(),
        "events/s", null);
    report.add("backtest.candidates", "backtest candidates", candidates[0], "count", null);
    report.add("backtest.shards", "backtest shards (on " + threads + " threads)", backtestShards, "count", null);
    report.add("backtest.events", "backtest events", r.records(), "count", null);
    Files.delete(file);
  }

  private void live(ForeshockSettings settings, Path dir, long dataEnd, BenchReport report, PrintWriter err)
      throws InterruptedException {
    progress(err, "starting the embedded broker and registry in " + dir);
    PipelineMetrics metrics = PipelineMetrics.inMemory();
    try (LiveBench bench = LiveBench.start(dir.resolve("live"), settings, kafka, m -> progress(err, m))) {
      bench.rocksDbMemoryMb(rocksDbMemoryMb);
      if (rocksDbMemoryMb != null) {
        report.note("rocksdb.memory.mb = " + rocksDbMemoryMb + " for the pipeline");
      }
      long produced = 0;
      if (!skip.contains("throughput")) {
        List<SpecificRecord> records = Workload.scenarios(events, seed, dataEnd);
        progress(err, "producing " + records.size() + " events");
        Duration took = bench.produce(records);
        produced = records.size();
        report.add("produce.eventsPerSecond", "producer (Avro, acks=all, lz4)", produced / (took.toNanos() / 1e9),
            "events/s", null);
        LiveBench.Run pass = bench.passThrough(produced);
        report.add("passThrough.eventsPerSecond", "pass-through streams app", pass.eventsPerSecond(), "events/s", null);
        LiveBench.Run full = bench.pipeline(produced, metrics);
        report.add("pipeline.eventsPerSecond", "full pipeline", full.eventsPerSecond(), "events/s", null);
        report.add("pipeline.ratio", "full pipeline / pass-through", full.eventsPerSecond() / pass.eventsPerSecond(),
            "x", ">= 0.6");
        report.add("passThrough.eventsPerCpuSecond", "pass-through, per CPU second of its threads",
            pass.eventsPerCpuSecond(), "events/s", null);
        report.add("pipeline.eventsPerCpuSecond", "full pipeline, per CPU second of its threads",
            full.eventsPerCpuSecond(), "events/s", null);
        report.add("pipeline.cpuRatio", "full pipeline / pass-through (CPU)",
            full.eventsPerCpuSecond() / pass.eventsPerCpuSecond(), "x", null);
        report.add("pipeline.candidates", "candidates committed", bench.candidatesWritten(), "count", null);
        Map<String, Long> internal = bench.internalRecords("bench-pipeline");
        report.add("pipeline.internalRecords", "records written to internal topics",
            internal.values().stream().mapToLong(Long::longValue).sum(), "count", null);
        report.note("internal topics of the pipeline (records): " + internal);
        if (!kafka.isEmpty()) {
          report.note("Kafka client properties given to both applications: " + kafka);
        }
        report.note(String.format(Locale.ROOT, "throughput: %,d events; time from RUNNING to consumer-group lag 0 "
            + "(read_committed, repartition topics included); startup to RUNNING: pass-through %.1f s, pipeline %.1f s",
            produced, pass.startup().toNanos() / 1e9, full.startup().toNanos() / 1e9));
      } else {
        bench.pipeline(0, metrics);
      }
      long next = dataEnd + Duration.ofMinutes(10).toMillis();
      if (!skip.contains("latency") && trials > 0) {
        LiveBench.Latency latency = bench.latency(trials, next);
        report.add("latency.p50Ms", "spike to candidate, p50", latency.percentile(0.50), "ms", null);
        report.add("latency.p99Ms", "spike to candidate, p99", latency.percentile(0.99), "ms", null);
        report.note(String.format(Locale.ROOT, "latency: %d of %d trials answered; from sending the record that "
            + "closes the spike window (stream time past window end + grace) to the ERROR_RATE_SPIKE candidate on a "
            + "read_committed consumer", latency.millis().length, latency.trials()));
        next += (long) trials * bench.trialSpanMs() + Duration.ofMinutes(10).toMillis();
      }
      if (!skip.contains("memory") && keys > 0) {
        int perKey = 3;
        List<SpecificRecord> records = Workload.distinctKeys(keys, perKey, next, seed);
        progress(err, "memory: " + keys + " new keys, " + records.size() + " events");
        LiveBench.Footprint f = bench.footprint(keys, records);
        double scale = 100_000.0 / keys;
        report.add("memory.heapMbPer100kKeys", "heap after GC per 100k keys", f.heapBytes() * scale / (1 << 20), "MB",
            null);
        report.add("memory.stateMbPer100kKeys", "state per 100k keys (latest changelog record per key)",
            f.state().bytes() * scale / (1 << 20), "MB", null);
        report.add("memory.stateEntriesPer100kKeys", "state entries per 100k keys (changelog keys)",
            f.state().entries() * scale, "count", null);
        report.add("memory.rocksDbMbPer100kKeys", "RocksDB live data + memtables per 100k keys",
            f.rocksDbBytes() * scale / (1 << 20), "MB", null);
        report.add("memory.rocksDbEntriesPer100kKeys", "RocksDB entries per 100k keys (estimate)",
            f.rocksDbEntries() * scale, "count", null);
        report.add("memory.diskMbPer100kKeys", "state dir on disk per 100k keys", f.diskBytes() * scale / (1 << 20),
            "MB", null);
        report.note(String.format(Locale.ROOT, "memory: %,d new keys (half memory resources, half request-reporting "
            + "instances in services of 100), %d records each; growth of heap used after GC, of RocksDB's live data "
            + "and memtables (streams metrics) and of the state directory on disk, scaled to 100k keys", keys, perKey));
      }
    }
  }

  private static void progress(PrintWriter err, String message) {
    err.println("bench: " + message);
    err.flush();
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: nothing to do if it cannot be removed
    }
  }
}

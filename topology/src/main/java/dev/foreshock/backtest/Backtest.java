package dev.foreshock.backtest;

import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.ingest.Validation;
import dev.foreshock.json.TelemetryFileReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Stream;

/**
 * Runs the real topology offline over a JSON-lines telemetry file: every line is parsed and
 * validated as the contract says (a bad line is reported as {@code file:line: reason} and
 * skipped), every good record is piped, in the order read, into an {@link OfflinePipeline}, and
 * every incident candidate that comes out is handed to the {@link Listener}.
 *
 * <p>The pipeline's state lives in a temporary directory that is deleted afterwards.
 */
public final class Backtest {

  /** What the backtest tells its caller while it runs. */
  public interface Listener {

    /** One incident candidate, in the order the topology wrote them. */
    void candidate(IncidentCandidate candidate);

    /** A line that was not used, as {@code file:line: reason}. */
    void problem(String message);

    /** How far the read has got (called every few thousand lines). */
    default void progress(long lines, long bytesRead, long totalBytes, long records) {}
  }

  /**
   * The figures of one backtest.
   *
   * @param lines lines in the file (blank ones included)
   * @param records telemetry records piped through the topology
   * @param rejected lines reported as problems and skipped
   * @param deadLetters records the topology itself sent to the dead-letter topic (normally 0: the
   *     reader applies the same rules)
   * @param candidatesByType candidates written, by candidate type, sorted by type
   * @param startup wall time to build and start the offline topology
   * @param elapsed wall time from opening the file to the last candidate
   * @param cpu CPU time of the busiest thread that runs the topology (the caller's, or a shard's)
   * @param readerCpu CPU time of the thread that reads, parses, validates and serializes ahead (on
   *     a busy machine, the two CPU times tell what the rate would be on idle cores)
   */
  public record Result(long lines, long records, long rejected, long deadLetters,
      Map<String, Long> candidatesByType, Duration startup, Duration elapsed,
      Duration cpu, Duration readerCpu) {

    public long candidates() {
      return candidatesByType.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Records piped per second of wall time, parsing included. */
    public double eventsPerSecond() {
      return records / (Math.max(elapsed.toNanos(), 1) / 1e9);
    }

    /** Records per second of CPU time of the busier of the two threads: the rate on idle cores. */
    public double eventsPerCpuSecond() {
      return records / (Math.max(Math.max(cpu.toNanos(), readerCpu.toNanos()), 1) / 1e9);
    }
  }

  /** Shards by default: enough to keep a few cores busy, the same on every machine. */
  public static final int DEFAULT_SHARDS = 4;

  private final ForeshockSettings settings;
  private final Clock clock;
  private final int shards;
  private final int threads;

  /**
   * A backtest with {@link #DEFAULT_SHARDS} shards on as many threads as there are processors.
   *
   * @param clock the wall clock: ingest rejects event times too far ahead of it (the
   *     {@code ingest.max.future.skew} setting); the pipeline's wall clock starts there
   */
  public Backtest(ForeshockSettings settings, Clock clock) {
    this(settings, clock, DEFAULT_SHARDS, Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param shards how many parts the telemetry is split into by key, as live it is split into
   *     partitions (see {@link ShardedPipeline}); the candidates depend on it, not on {@code threads}
   * @param threads threads that run the shards
   */
  public Backtest(ForeshockSettings settings, Clock clock, int shards, int threads) {
    if (shards < 1 || threads < 1) {
      throw new IllegalArgumentException("shards and threads must be 1 or more: " + shards + ", " + threads);
    }
    this.settings = settings;
    this.clock = clock;
    this.shards = shards;
    this.threads = threads;
  }

  /**
   * Runs the file through the topology.
   *
   * @throws IOException if the file cannot be opened or read (bad lines are not exceptions)
   */
  public Result run(Path input, Listener listener) throws IOException {
    long totalBytes = Files.size(input);
    long building = System.nanoTime();
    Path stateDir = createStateDir();
    try (ShardedPipeline pipeline = new ShardedPipeline(settings, clock, clock.instant(), stateDir, shards, threads)) {
      long started = System.nanoTime();
      long startedCpu = cpuTime();
      Reader reader = new Reader(input, pipeline, new TelemetryFileReader(new Validation(settings.ingest()), clock));
      reader.start();
      Run run = new Run(pipeline, listener, totalBytes);
      TelemetryFileReader.Summary summary;
      try {
        summary = run.consume(reader);
      } finally {
        reader.interrupt(); // if the pipeline failed, the reader must not wait for room forever
      }
      pipeline.finish();
      run.drain();
      long cpu = Math.max(cpuTime() - startedCpu, pipeline.busiestWorkerCpuNanos());
      return new Result(summary.lines(), summary.records(), summary.rejected(), run.deadLetters,
          Collections.unmodifiableMap(run.byType), Duration.ofNanos(started - building),
          Duration.ofNanos(System.nanoTime() - started), Duration.ofNanos(cpu), Duration.ofNanos(reader.cpuNanos));
    } finally {
      deleteRecursively(stateDir);
    }
  }

  /**
   * A fresh directory for the run's state stores, deleted afterwards: under the user's cache
   * directory rather than the OS temp directory, which Kafka Streams warns about (a cleaner could
   * remove it under a running application; a backtest is short, but the warning would confuse).
   */
  private static Path createStateDir() throws IOException {
    String cache = System.getenv("XDG_CACHE_HOME");
    Path base = cache != null && !cache.isBlank() ? Path.of(cache)
        : Path.of(System.getProperty("user.home"), ".cache");
    try {
      return Files.createTempDirectory(Files.createDirectories(base.resolve("foreshock")), "backtest-");
    } catch (IOException | SecurityException e) {
      return Files.createTempDirectory("foreshock-backtest-");
    }
  }

  private static long cpuTime() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0L;
  }

  /** A line number's worth of progress, in file order among the records. */
  private record Progress(long lines, long bytesRead) {}

  /** The reader's end: the summary, or what went wrong. */
  private record End(TelemetryFileReader.Summary summary, IOException failure, RuntimeException crash) {}

  /**
   * Reads, parses, validates and serializes ahead on a thread of its own (a third or more of the
   * work), handing records, problems and progress over in file order, in batches.
   */
  private static final class Reader extends Thread {
    private static final int BATCH = 512;

    final BlockingQueue<Object[]> batches = new ArrayBlockingQueue<>(64);
    private final Path input;
    private final ShardedPipeline pipeline;
    private final TelemetryFileReader reader;
    private Object[] batch = new Object[BATCH];
    private int size;
    volatile long cpuNanos;

    Reader(Path input, ShardedPipeline pipeline, TelemetryFileReader reader) {
      super("foreshock-backtest-reader");
      setDaemon(true);
      this.input = input;
      this.pipeline = pipeline;
      this.reader = reader;
    }

    @Override
    public void run() {
      End end;
      try {
        end = new End(reader.read(input, record -> add(pipeline.encode(record)), this::add,
            (lines, bytes) -> add(new Progress(lines, bytes))), null, null);
      } catch (IOException e) {
        end = new End(null, e, null);
      } catch (Stopped e) {
        return;
      } catch (RuntimeException e) {
        end = new End(null, null, e);
      }
      cpuNanos = cpuTime();
      add(end); // the queue hands cpuNanos over with the end
    }

    private void add(Object item) {
      batch[size++] = item;
      if (size == BATCH || item instanceof End) {
        flush();
      }
    }

    private void flush() {
      if (size == 0) {
        return;
      }
      Object[] full = size == BATCH ? batch : java.util.Arrays.copyOf(batch, size);
      try {
        batches.put(full);
      } catch (InterruptedException e) {
        throw new Stopped();
      }
      batch = new Object[BATCH];
      size = 0;
    }
  }

  /** The consumer of the backtest went away: stop reading. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  /** The state of one run: pipes records in rounds, and after each passes the output on. */
  private static final class Run {
    final ShardedPipeline pipeline;
    final Listener listener;
    final long totalBytes;
    final TreeMap<String, Long> byType = new TreeMap<>();
    final List<OfflinePipeline.Encoded> round = new ArrayList<>(ShardedPipeline.ROUND);
    long read;
    long deadLetters;

    Run(ShardedPipeline pipeline, Listener listener, long totalBytes) {
      this.pipeline = pipeline;
      this.listener = listener;
      this.totalBytes = totalBytes;
    }

    TelemetryFileReader.Summary consume(Reader reader) throws IOException {
      while (true) {
        Object[] batch;
        try {
          batch = reader.batches.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("backtest interrupted", e);
        }
        for (Object item : batch) {
          if (item instanceof OfflinePipeline.Encoded record) {
            round.add(record);
            read++;
            if (round.size() == ShardedPipeline.ROUND) {
              pipeRound();
            }
          } else if (item instanceof String problem) {
            listener.problem(problem);
          } else if (item instanceof Progress p) {
            listener.progress(p.lines(), p.bytesRead(), totalBytes, read);
          } else if (item instanceof End end) {
            if (end.failure() != null) {
              throw end.failure();
            }
            if (end.crash() != null) {
              throw end.crash();
            }
            pipeRound();
            return end.summary();
          }
        }
      }
    }

    private void pipeRound() {
      pipeline.pipe(round);
      round.clear();
      drain();
    }

    void drain() {
      for (IncidentCandidate c : pipeline.drainCandidates()) {
        byType.merge(c.getType().name(), 1L, Long::sum);
        listener.candidate(c);
      }
      deadLetters += pipeline.drainDeadLetters().size();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // Leftovers in the temporary directory are harmless; the backtest's result is not.
      org.slf4j.LoggerFactory.getLogger(Backtest.class).warn("could not delete {}: {}", dir, e.getMessage());
    }
  }
}

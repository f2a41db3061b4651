package dev.foreshock.backtest;

import dev.foreshock.StateStores;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.serde.InMemorySchemaRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The offline topology spread over threads the way Kafka spreads the live one over partitions.
 *
 * <p>Each of {@code n} shards is a whole {@link OfflinePipeline} that gets the telemetry whose key
 * hashes to it (Kafka's default partitioner over {@code n} partitions: the contract's keys keep a
 * resource, a service or a target in one shard, as they keep it in one partition live). What the
 * shards write to the correlation's repartition topics (signals, changes, dependencies, learned
 * edges) goes to one more pipeline that only correlates, as the one-partition repartition topics
 * take it to one task live.
 *
 * <p>Records are handled in rounds: the shards process their share of a round in parallel; then
 * everything they wrote is put back in the order of the input records that caused it and handed to
 * the correlating pipeline, while the shards go on with the next round. The outcome depends on the
 * number of shards (each shard's stream time is its own, as each partition's is live), never on
 * the number of threads or their timing: the same file and shard count give the same candidates.
 * With one shard, the one pipeline does everything on the caller's thread.
 *
 * <p>Every pipeline keeps only the state detection reads back ({@link StateStores.Scope#DETECTION_ONLY}):
 * offline there is no query API to serve and no restart to resume.
 */
public final class ShardedPipeline implements AutoCloseable {

  /**
   * Records piped in one round: the shards process a round in parallel, then the output is looked
   * at (which keeps memory flat on long files).
   */
  public static final int ROUND = 2_048;

  /** A backtest serves no query and never restarts: it keeps only what detection reads back. */
  private static final StateStores.Scope SCOPE = StateStores.Scope.DETECTION_ONLY;

  private final List<Shard> shards = new ArrayList<>();
  private final OfflinePipeline correlation;
  private final ExecutorService workers;
  private final List<Thread> workerThreads = new CopyOnWriteArrayList<>();
  private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
  private List<Tagged> uncorrelated = List.of();
  private long sequence;

  /**
   * @param shardCount how many shards (1: no sharding)
   * @param threadCount threads that run the shards (at most {@code shardCount} are used)
   */
  public ShardedPipeline(ForeshockSettings settings, Clock clock, Instant wallClockStart, Path stateDir,
      int shardCount, int threadCount) {
    if (shardCount < 1 || threadCount < 1) {
      throw new IllegalArgumentException("shards and threads must be 1 or more: " + shardCount + ", " + threadCount);
    }
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    try {
      for (int i = 0; i < shardCount; i++) {
        shards.add(new Shard(new OfflinePipeline(settings, clock, wallClockStart, stateDir, registry, SCOPE)));
      }
      if (shardCount == 1) {
        correlation = shards.get(0).pipeline;
        workers = null;
        return;
      }
      correlation = new OfflinePipeline(settings, clock, wallClockStart, stateDir, registry, SCOPE);
      for (Shard shard : shards) {
        if (!shard.pipeline.redirectRepartitions(shard::written)) {
          throw new IllegalStateException("this Kafka Streams version's test driver cannot be sharded: use one shard");
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    workers = Executors.newFixedThreadPool(Math.min(shardCount, threadCount), task -> {
      Thread t = new Thread(task, "foreshock-backtest-shard-" + workerThreads.size());
      t.setDaemon(true);
      workerThreads.add(t);
      return t;
    });
  }

  /** Serializes a record for {@link #pipe}; safe to call from any thread. */
  public OfflinePipeline.Encoded encode(SpecificRecord record) {
    return correlation.encode(record);
  }

  /** Processes one round of records, in order; returns when the shards have processed them all. */
  public void pipe(List<OfflinePipeline.Encoded> round) {
    if (workers == null) {
      OfflinePipeline only = correlation;
      round.forEach(only::pipe);
      return;
    }
    for (OfflinePipeline.Encoded record : round) {
      shards.get(shardOf(record.key())).add(sequence++, record);
    }
    List<Future<?>> running = new ArrayList<>(shards.size());
    for (Shard shard : shards) {
      if (shard.hasInput()) {
        running.add(workers.submit(shard::run));
      }
    }
    try {
      correlateUncorrelated(); // the previous round's output, while the shards work on this one
    } finally {
      awaitAll(running); // never leave a shard running, even when correlation failed
    }
    List<Tagged> written = new ArrayList<>();
    for (Shard shard : shards) {
      written.addAll(shard.output);
      shard.output.clear();
    }
    written.sort(Comparator.comparingLong(Tagged::sequence)); // stable: a record's outputs keep their order
    uncorrelated = written;
  }

  /**
   * Encodes {@code records} and processes them in rounds of {@code roundSize}, then {@link #finish}es;
   * {@code afterRound} runs after every round and after the finish (to drain what was written).
   */
  public void replay(Iterable<? extends SpecificRecord> records, int roundSize, Runnable afterRound) {
    List<OfflinePipeline.Encoded> round = new ArrayList<>(roundSize);
    for (SpecificRecord r : records) {
      round.add(encode(r));
      if (round.size() == roundSize) {
        pipe(round);
        round.clear();
        afterRound.run();
      }
    }
    pipe(round);
    finish();
    afterRound.run();
  }

  /** Correlates what the last round wrote; call after the last round, before the last drain. */
  public void finish() {
    correlateUncorrelated();
  }

  private void correlateUncorrelated() {
    for (Tagged t : uncorrelated) {
      correlation.pipeRepartition(t.record());
    }
    uncorrelated = List.of();
  }

  private int shardOf(byte[] key) {
    return key == null ? 0 : Utils.toPositive(Utils.murmur2(key)) % shards.size();
  }

  /** Waits for every task; then throws the first failure, if any, with the others suppressed. */
  private static void awaitAll(List<Future<?>> running) {
    RuntimeException failure = null;
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = add(failure, new IllegalStateException("backtest interrupted", e));
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Error err) {
          throw err;
        }
        failure = add(failure, cause instanceof RuntimeException r ? r : new IllegalStateException(cause));
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException add(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /** The candidates written since the last call, in order. */
  public List<IncidentCandidate> drainCandidates() {
    return correlation.drainCandidates();
  }

  /** The dead letters written since the last call (shard by shard). */
  public List<TestRecord<byte[], byte[]>> drainDeadLetters() {
    List<TestRecord<byte[], byte[]>> all = new ArrayList<>();
    for (Shard shard : shards) {
      all.addAll(shard.pipeline.drainDeadLetters());
    }
    if (workers != null) {
      all.addAll(correlation.drainDeadLetters());
    }
    return all;
  }

  /** CPU time of the busiest worker thread so far (0 with one shard: the caller's thread does it all). */
  public long busiestWorkerCpuNanos() {
    long most = 0;
    for (Thread t : workerThreads) {
      most = Math.max(most, Math.max(cpu.getThreadCpuTime(t.getId()), 0));
    }
    return most;
  }

  @Override
  public void close() {
    if (workers != null) {
      workers.shutdownNow();
    }
    RuntimeException failure = null;
    List<OfflinePipeline> all = new ArrayList<>();
    shards.forEach(s -> all.add(s.pipeline));
    if (correlation != null && !all.contains(correlation)) {
      all.add(correlation);
    }
    for (OfflinePipeline p : all) {
      try {
        p.close();
      } catch (RuntimeException e) {
        failure = add(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** A record a shard wrote to a repartition topic, with the input record that caused it. */
  private record Tagged(long sequence, ProducerRecord<byte[], byte[]> record) {}

  /** One shard: its pipeline, its share of the current round and what it wrote for correlation. */
  private static final class Shard {
    final OfflinePipeline pipeline;
    final List<OfflinePipeline.Encoded> input = new ArrayList<>();
    long[] sequences = new long[256];
    final List<Tagged> output = new ArrayList<>();
    private long current;

    Shard(OfflinePipeline pipeline) {
      this.pipeline = pipeline;
    }

    void add(long sequence, OfflinePipeline.Encoded record) {
      if (input.size() == sequences.length) {
        sequences = Arrays.copyOf(sequences, sequences.length * 2);
      }
      sequences[input.size()] = sequence;
      input.add(record);
    }

    boolean hasInput() {
      return !input.isEmpty();
    }

    void run() {
      for (int i = 0; i < input.size(); i++) {
        current = sequences[i];
        pipeline.pipe(input.get(i));
      }
      input.clear();
    }

    void written(ProducerRecord<byte[], byte[]> record) {
      output.add(new Tagged(current, record));
    }
  }
}

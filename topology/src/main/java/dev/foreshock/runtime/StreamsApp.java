package dev.foreshock.runtime;

import dev.foreshock.ForeshockTopology;
import dev.foreshock.Topics;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.metrics.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Foreshock topology running in a {@link KafkaStreams} client: its properties, its error
 * policy, its start and its graceful stop.
 *
 * <ul>
 *   <li>Exactly-once v2 by default; state under {@code state.dir}, never wiped at start (no
 *       {@code cleanUp()}): a restart resumes from the local state and the changelogs.
 *   <li>An exception that kills a stream thread replaces the thread (the task restarts from its
 *       last commit), unless it cannot heal by retrying (authentication, authorization, a
 *       missing source topic) or threads died more than {@value #MAX_REPLACEMENTS} times in
 *       {@link #REPLACEMENT_WINDOW}: then the client shuts down and {@link #awaitStop} returns.
 *   <li>Bad records never reach this point: ingest turns them into dead letters.
 *   <li>RocksDB memory is bounded by {@link BoundedMemoryRocksDbConfig}.
 * </ul>
 */
public final class StreamsApp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);
  static final int MAX_REPLACEMENTS = 5;
  static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(5);

  private final KafkaStreams streams;
  private final RuntimeSettings settings;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Deque<Long> replacements = new ArrayDeque<>();
  private volatile Throwable fatal;

  /**
   * @param settings a cluster must be set ({@link RuntimeSettings#bootstrapServers()} not null)
   */
  public StreamsApp(RuntimeSettings settings, ForeshockSettings topologySettings, Topics topics,
      PipelineMetrics metrics, Clock clock) {
    if (settings.bootstrapServers() == null) {
      throw new IllegalArgumentException("no bootstrap servers: start the embedded broker first");
    }
    this.settings = settings;
    Properties props = properties(settings);
    Topology topology = new ForeshockTopology(topologySettings, topics, metrics, clock).build(props);
    this.streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(this::onUncaught);
    streams.setStateListener((next, previous) -> {
      log.info("Streams client {} -> {}", previous, next);
      if (next == KafkaStreams.State.NOT_RUNNING || next == KafkaStreams.State.ERROR) {
        stopped.countDown();
      }
    });
  }

  /** The streams properties: Kafka pass-through first, Foreshock's own settings over them. */
  public static Properties properties(RuntimeSettings settings) {
    Properties props = new Properties();
    props.putAll(settings.kafka());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, settings.processingGuarantee());
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, settings.queryHost() + ":" + settings.queryPort());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
    props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
    // A task reading several topics (requests, memory and changes feed the gap and error-rate
    // detectors together) picks the record with the lowest timestamp among its buffered
    // partitions; with an empty partition it would go on with the others and advance stream time
    // past records that a producer is writing into the empty one at that moment, which then count
    // as late. Wait for it that long first.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, settings.taskIdle().toMillis());
    // the same defaults as the offline pipeline, so that run and backtest build the same topology
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class.getName());
    props.put(BoundedMemoryRocksDbConfig.MEMORY_BYTES_CONFIG, Long.toString(settings.rocksDbMemoryBytes()));
    return props;
  }

  public void start() {
    log.info("Starting streams application '{}' on {} ({}, state in {})", settings.applicationId(),
        settings.bootstrapServers(), settings.processingGuarantee(), settings.stateDir());
    streams.start();
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** Waits until the client has stopped (closed, or shut down after a fatal error). */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The error that shut the client down, or null. */
  public Throwable fatalError() {
    return fatal;
  }

  private StreamThreadExceptionResponse onUncaught(Throwable e) {
    Throwable root = rootCause(e);
    if (root instanceof AuthenticationException || root instanceof AuthorizationException
        || root instanceof MissingSourceTopicException) {
      log.error("Stream thread failed and retrying cannot help ({}): shutting down. {}",
          root.getClass().getSimpleName(), root.getMessage(), e);
      fatal = e;
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    long now = System.nanoTime();
    synchronized (replacements) {
      replacements.addLast(now);
      while (!replacements.isEmpty() && now - replacements.peekFirst() > REPLACEMENT_WINDOW.toNanos()) {
        replacements.removeFirst();
      }
      if (replacements.size() > MAX_REPLACEMENTS) {
        log.error("Stream threads failed {} times within {}: shutting down. Last error: {}",
            replacements.size(), REPLACEMENT_WINDOW, root.toString(), e);
        fatal = e;
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
    }
    log.warn("Stream thread failed ({}); replacing it, its tasks resume from the last commit", root.toString(), e);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** Stops gracefully: commits, closes the stores, leaves the group; waits up to the shutdown timeout. */
  @Override
  public void close() {
    log.info("Stopping streams application '{}'", settings.applicationId());
    boolean clean = streams.close(settings.shutdownTimeout());
    if (!clean) {
      log.warn("Streams application did not stop within {}; state is recovered from the changelogs at the next start",
          settings.shutdownTimeout());
    }
    stopped.countDown();
  }
}

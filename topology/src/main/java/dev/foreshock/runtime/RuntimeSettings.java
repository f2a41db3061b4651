package dev.foreshock.runtime;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How and where the streams application runs: the cluster, the registry, where data and state
 * live, the guarantee, the topics' layout and the memory given to RocksDB. Read once at start from
 * flags, {@code FORESHOCK_*} variables and the {@code --config} file ({@link SettingsSource}),
 * plus the Kafka client properties passed through ({@link KafkaClientProperties}).
 *
 * @param bootstrapServers the cluster ({@code bootstrap.servers}); null: start the embedded broker
 * @param schemaRegistryUrl the registry ({@code schema.registry.url}); null: the embedded one
 *     (only with the embedded broker)
 * @param applicationId the streams application id and consumer group ({@code application.id},
 *     default {@code foreshock})
 * @param dataDir everything local: the embedded broker's logs, the registry's schemas, the
 *     streams state ({@code data.dir}, default {@code ./foreshock-data})
 * @param stateDir the streams state stores ({@code state.dir}, default {@code <data.dir>/streams})
 * @param brokerHost the embedded broker's address ({@code embedded.broker.host}, default 127.0.0.1)
 * @param brokerPort the embedded broker's port ({@code embedded.broker.port}, default 9092)
 * @param registryPort the embedded registry's port ({@code embedded.registry.port}, default 8081)
 * @param queryHost the query API's address, also advertised as {@code application.server}
 *     ({@code query.host}, default 127.0.0.1)
 * @param queryPort the query API's port ({@code query.port}, default 8080)
 * @param processingGuarantee {@code exactly_once_v2} (default) or {@code at_least_once}
 *     ({@code processing.guarantee})
 * @param replicationFactor of the topics Foreshock creates and of the streams internal topics;
 *     -1 (default) takes the broker's {@code default.replication.factor}
 *     ({@code topics.replication.factor})
 * @param partitions of each topic Foreshock creates ({@code topics.partitions}, default 3)
 * @param retention time-based retention of the telemetry and dead-letter topics, counted from
 *     arrival at the broker; zero keeps records forever ({@code topics.retention}, default 7d)
 * @param streamThreads stream threads of this instance ({@code streams.threads}, default 1)
 * @param rocksDbMemoryBytes block cache and memtables of every RocksDB store of this instance,
 *     shared ({@code rocksdb.memory.mb}, default 256: at 64 the stream thread waited on memtable flushes, see docs/bench.md)
 * @param shutdownTimeout how long a graceful stop may take ({@code shutdown.timeout}, default 30s)
 * @param taskIdle how long a task that reads several topics (requests, memory and changes are
 *     joined in one task) waits for an empty input partition before it processes the others, so
 *     that records produced at the same time into different topics are processed in event-time
 *     order ({@code streams.task-idle}, default 2s; Kafka's {@code max.task.idle.ms}; 0: wait only
 *     for partitions the consumer knows to have more data)
 * @param kafka Kafka client properties passed through to every client
 */
public record RuntimeSettings(
    String bootstrapServers,
    String schemaRegistryUrl,
    String applicationId,
    Path dataDir,
    Path stateDir,
    String brokerHost,
    int brokerPort,
    int registryPort,
    String queryHost,
    int queryPort,
    String processingGuarantee,
    int replicationFactor,
    int partitions,
    Duration retention,
    int streamThreads,
    long rocksDbMemoryBytes,
    Duration shutdownTimeout,
    Duration taskIdle,
    Map<String, String> kafka) {

  /** The embedded registry's and broker's addresses as {@code produce} assumes them by default. */
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  public static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081";

  private static final Pattern HOST_PORT = Pattern.compile("[^\\s,:]+:\\d{1,5}");
  private static final Pattern APP_ID = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  public RuntimeSettings {
    kafka = Map.copyOf(kafka);
  }

  public static RuntimeSettings from(SettingsSource s, Map<String, String> kafka) {
    String bootstrap = s.string("bootstrap.servers", null);
    if (bootstrap != null) {
      for (String server : bootstrap.split(",")) {
        if (!HOST_PORT.matcher(server.trim()).matches()) {
          throw new SettingsException("bootstrap.servers = '" + bootstrap + "': '" + server.trim()
              + "' is not host:port");
        }
      }
    }
    // validated, with auth and TLS, by RegistrySettings
    String registry = s.string("schema.registry.url", null);
    String applicationId = s.string("application.id", "foreshock");
    if (!APP_ID.matcher(applicationId).matches()) {
      throw new SettingsException("application.id = '" + applicationId
          + "' may only hold letters, digits, '.', '_' and '-' (it names topics and a consumer group)");
    }
    Path dataDir = Path.of(s.string("data.dir", "foreshock-data")).toAbsolutePath().normalize();
    Path stateDir = Path.of(s.string("state.dir", dataDir.resolve("streams").toString())).toAbsolutePath().normalize();
    String guarantee = s.string("processing.guarantee", "exactly_once_v2").toLowerCase(Locale.ROOT);
    if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
      throw new SettingsException("processing.guarantee = '" + guarantee
          + "' is not exactly_once_v2 or at_least_once");
    }
    int replication = s.integer("topics.replication.factor", -1, -1, Short.MAX_VALUE);
    if (replication == 0) {
      throw new SettingsException("topics.replication.factor = 0: use -1 for the broker's default or 1 and more");
    }
    return new RuntimeSettings(
        bootstrap,
        registry,
        applicationId,
        dataDir,
        stateDir,
        s.string("embedded.broker.host", "127.0.0.1"),
        s.integer("embedded.broker.port", 9092, 0, 65_535),
        s.integer("embedded.registry.port", 8081, 0, 65_535),
        s.string("query.host", "127.0.0.1"),
        s.integer("query.port", 8080, 0, 65_535),
        guarantee,
        replication,
        s.integer("topics.partitions", 3, 1, 10_000),
        s.duration("topics.retention", Duration.ofDays(7), Duration.ZERO, Duration.ofDays(365 * 100)),
        s.integer("streams.threads", 1, 1, 64),
        s.integer("rocksdb.memory.mb", 256, 8, 1_048_576) * 1024L * 1024L,
        s.duration("shutdown.timeout", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10)),
        s.duration("streams.task-idle", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(10)),
        kafka);
  }

  /** True when no cluster was given: {@code run} starts the embedded broker and registry. */
  public boolean embedded() {
    return bootstrapServers == null;
  }

  /** The same settings pointed at a running cluster (the embedded one once it has started). */
  public RuntimeSettings withCluster(String bootstrap, String registryUrl) {
    return new RuntimeSettings(bootstrap, registryUrl, applicationId, dataDir, stateDir, brokerHost, brokerPort,
        registryPort, queryHost, queryPort, processingGuarantee, replicationFactor, partitions, retention,
        streamThreads, rocksDbMemoryBytes, shutdownTimeout, taskIdle, kafka);
  }

  /** The same settings with a Kafka client property added, unless one was given. */
  public RuntimeSettings withKafkaDefault(String key, String value) {
    Map<String, String> merged = new java.util.HashMap<>(kafka);
    merged.putIfAbsent(key, value);
    return new RuntimeSettings(bootstrapServers, schemaRegistryUrl, applicationId, dataDir, stateDir, brokerHost,
        brokerPort, registryPort, queryHost, queryPort, processingGuarantee, replicationFactor, partitions, retention,
        streamThreads, rocksDbMemoryBytes, shutdownTimeout, taskIdle, merged);
  }

  /** {@code retention.ms} of the telemetry and dead-letter topics: -1 when kept forever. */
  public long retentionMs() {
    return retention.isZero() ? -1L : retention.toMillis();
  }

  /** The embedded registry's data directory. */
  public Path registryDir() {
    return dataDir.resolve("schema-registry");
  }
}

package dev.foreshock.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM,
 * for {@code run}, {@code demo} and the integration tests.
 *
 * <p>Clients connect on one fixed listener ({@code CLIENT://host:port}, default
 * {@code 127.0.0.1:9092}; port 0 picks a free one, for tests). The broker's own inter-broker and
 * controller listeners use ephemeral ports on localhost. Logs and metadata live under
 * {@code <dataDir>/kafka} and survive {@link #close()}: starting again on the same directory
 * reuses the cluster id and resumes with every topic, offset and transaction as it was.
 *
 * <p>Single-node settings: every internal topic (consumer offsets, transaction state) has
 * replication factor 1 and min ISR 1, so that exactly-once works on one broker.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String CLIENT_LISTENER = "CLIENT";
  private static final String CLUSTER_ID_FILE = "cluster.id";

  private final KafkaClusterTestKit cluster;
  private final Path directory;
  private final String bootstrapServers;

  private EmbeddedKafka(KafkaClusterTestKit cluster, Path directory, String bootstrapServers) {
    this.cluster = cluster;
    this.directory = directory;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts the broker, formatting {@code <dataDir>/kafka} on first use and resuming from it after.
   *
   * @param host the address clients connect to (and the listener binds)
   * @param port the client port; 0 for any free port
   * @throws EmbeddedKafkaException if the port is taken or the broker does not start; the message
   *     says which address or directory was at fault
   */
  public static EmbeddedKafka start(Path dataDir, String host, int port) {
    Path directory = dataDir.resolve("kafka").toAbsolutePath();
    if (port != 0) {
      requireFreePort(host, port);
    }
    KafkaClusterTestKit cluster = null;
    try {
      Files.createDirectories(directory);
      Path idFile = directory.resolve(CLUSTER_ID_FILE);
      boolean resume = Files.exists(idFile);
      String clusterId = resume
          ? Files.readString(idFile, StandardCharsets.UTF_8).trim()
          : Uuid.randomUuid().toString();
      TestKitNodes nodes = new TestKitNodes.Builder()
          .setCombined(true)
          .setNumBrokerNodes(1)
          .setNumControllerNodes(1)
          .setBaseDirectory(directory)
          .setClusterId(clusterId)
          .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(false);
      brokerConfig(nodes, host, port).forEach(builder::setConfigProp);
      cluster = builder.build();
      if (!resume) {
        formatQuietly(cluster);
        // written last: a directory without it was never fully formatted and is formatted again
        Files.writeString(idFile, clusterId, StandardCharsets.UTF_8);
      }
      cluster.startup();
      cluster.waitForReadyBrokers();
      int bound = cluster.brokers().values().iterator().next().boundPort(ListenerName.normalised(CLIENT_LISTENER));
      String bootstrap = host + ":" + bound;
      log.info("Embedded Kafka broker listening on {} (data in {}, {})", bootstrap, directory,
          resume ? "resumed" : "new cluster " + clusterId);
      return new EmbeddedKafka(cluster, directory, bootstrap);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(cluster);
      throw new EmbeddedKafkaException("interrupted while starting the embedded broker", e);
    } catch (EmbeddedKafkaException e) {
      closeQuietly(cluster);
      throw e;
    } catch (Exception e) {
      closeQuietly(cluster);
      throw new EmbeddedKafkaException("cannot start the embedded Kafka broker on " + host + ":" + port
          + " with data in " + directory + ": " + e.getMessage(), e);
    }
  }

  /** The storage formatter prints to stdout, which belongs to the CLI's output: send it to the log. */
  private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
    java.io.PrintStream out = System.out;
    synchronized (System.class) {
      System.setOut(System.err);
      try {
        cluster.format();
      } finally {
        System.setOut(out);
      }
    }
  }

  private static Map<String, Object> brokerConfig(TestKitNodes nodes, String host, int port) {
    String external = nodes.brokerListenerName().value();
    String controller = nodes.controllerListenerName().value();
    return Map.ofEntries(
        // the test kit binds its own listeners to ephemeral localhost ports; clients get a fixed one
        Map.entry("listeners", external + "://localhost:0," + controller + "://localhost:0,"
            + CLIENT_LISTENER + "://" + host + ":" + port),
        Map.entry("listener.security.protocol.map",
            external + ":PLAINTEXT," + controller + ":PLAINTEXT," + CLIENT_LISTENER + ":PLAINTEXT"),
        // one node: every internal topic with one replica, or transactions (EOS) never start
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "10"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "10"),
        Map.entry("default.replication.factor", "1"),
        Map.entry("min.insync.replicas", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        // topics are created with the right partition counts and policies, never by accident
        Map.entry("auto.create.topics.enable", "false"),
        Map.entry("log.flush.interval.messages", Long.toString(Long.MAX_VALUE)),
        Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024)));
  }

  private static void requireFreePort(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot start the embedded Kafka broker: " + host + ":" + port
          + " is already in use (" + e.getMessage() + "); is another broker or 'foreshock run' running?"
          + " Stop it, choose another port (--broker-port), or connect to it with --bootstrap-servers "
          + host + ":" + port);
    }
  }

  /** Where clients connect: {@code host:port}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The directory holding the broker's logs and metadata. */
  public Path directory() {
    return directory;
  }

  /** An admin client on this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /**
   * Waits until every partition of {@code topics} has a leader that answers offset requests: a
   * record produced before that may be lost on a freshly created topic.
   */
  public void awaitTopicsReady(Set<String> topics, Duration timeout) {
    awaitTopicsReady(bootstrapServers, topics, timeout);
  }

  /** As {@link #awaitTopicsReady(Set, Duration)}, against any cluster. */
  public static void awaitTopicsReady(String bootstrapServers, Set<String> topics, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Exception last = null;
      while (System.nanoTime() < deadline) {
        try {
          Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
              .get(5, TimeUnit.SECONDS);
          Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
          described.values().forEach(d -> d.partitions().forEach(p ->
              request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
          ListOffsetsResult offsets = admin.listOffsets(request);
          offsets.all().get(5, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | TimeoutException e) {
          last = e;
          Thread.sleep(100);
        }
      }
      throw new EmbeddedKafkaException("topics " + topics + " on " + bootstrapServers
          + " have no ready leaders after " + timeout + (last == null ? "" : ": " + last.getMessage()), last);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("interrupted while waiting for topics " + topics, e);
    }
  }

  /** Stops the broker; its data stays in {@link #directory()} for the next start. */
  @Override
  public void close() {
    try {
      cluster.close();
      log.info("Embedded Kafka broker on {} stopped", bootstrapServers);
    } catch (Exception e) {
      throw new EmbeddedKafkaException("error while stopping the embedded broker on " + bootstrapServers
          + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster != null) {
      try {
        cluster.close();
      } catch (Exception e) {
        log.warn("error while closing a half-started embedded broker: {}", e.toString());
      }
    }
  }
}

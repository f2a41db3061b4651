package dev.foreshock.runtime;

import dev.foreshock.Topics;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.embedded.EmbeddedKafka;
import dev.foreshock.embedded.EmbeddedSchemaRegistry;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.RegistrySettings;
import dev.foreshock.serde.SchemaRegistries;
import dev.foreshock.serde.SchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code run} and {@code demo} start, in order, and stop in reverse: without a cluster
 * the embedded broker and the embedded HTTP schema registry (both keeping their data under
 * {@code data.dir}), then the topics, then the streams application.
 */
public final class ForeshockRuntime implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ForeshockRuntime.class);

  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry embeddedRegistry;
  private final RuntimeSettings settings;
  private final SchemaRegistry registry;
  private final StreamsApp app;

  private ForeshockRuntime(EmbeddedKafka kafka, EmbeddedSchemaRegistry embeddedRegistry, RuntimeSettings settings,
      SchemaRegistry registry, StreamsApp app) {
    this.kafka = kafka;
    this.embeddedRegistry = embeddedRegistry;
    this.settings = settings;
    this.registry = registry;
    this.app = app;
  }

  /**
   * Starts the stack; on failure stops whatever had started and rethrows.
   *
   * @param registrySettings how to reach the registry when {@code settings} name one (auth, TLS)
   */
  public static ForeshockRuntime start(RuntimeSettings settings, RegistrySettings registrySettings,
      ForeshockSettings topology, PipelineMetrics metrics, Clock clock) {
    EmbeddedKafka kafka = null;
    EmbeddedSchemaRegistry embeddedRegistry = null;
    try {
      RuntimeSettings effective = settings;
      SchemaRegistry registry;
      if (settings.embedded()) {
        Files.createDirectories(settings.registryDir());
        kafka = EmbeddedKafka.start(settings.dataDir(), settings.brokerHost(), settings.brokerPort());
        embeddedRegistry = EmbeddedSchemaRegistry.builder()
            .port(settings.registryPort())
            .journal(settings.registryDir().resolve("schemas.journal"))
            .start();
        registry = embeddedRegistry.registry();
        // One instance on its own broker: static membership lets a restart after a crash take its
        // partitions back at once instead of waiting for the dead member's session to time out.
        effective = settings.withCluster(kafka.bootstrapServers(), embeddedRegistry.url())
            .withKafkaDefault("group.instance.id", settings.applicationId() + "-embedded");
      } else {
        if (!registrySettings.isConfigured()) {
          throw new dev.foreshock.config.SettingsException("schema.registry.url is required with bootstrap.servers"
              + " (--schema-registry URL): the embedded registry only runs with the embedded broker");
        }
        registry = SchemaRegistries.connect(registrySettings);
      }
      ensureTopics(effective);
      StreamsApp app = new StreamsApp(effective, topology, new Topics(new AvroSerdes(registry)), metrics, clock);
      app.start();
      return new ForeshockRuntime(kafka, embeddedRegistry, effective, registry, app);
    } catch (IOException e) {
      stopQuietly(embeddedRegistry, kafka);
      throw new UncheckedIOException("cannot create " + settings.registryDir() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      stopQuietly(embeddedRegistry, kafka);
      throw e;
    }
  }

  /** Creates or checks the topics, and waits until their leaders answer. */
  public static TopicAdmin.Outcome ensureTopics(RuntimeSettings settings) {
    TopicAdmin.Outcome outcome;
    try (Admin admin = Admin.create(adminProperties(settings))) {
      outcome = new TopicAdmin(admin, settings).ensureTopics();
    }
    Set<String> topics = new TreeSet<>(Topics.TELEMETRY);
    topics.add(Topics.CANDIDATES);
    topics.add(Topics.DLQ);
    EmbeddedKafka.awaitTopicsReady(settings.bootstrapServers(), topics, Duration.ofSeconds(60));
    return outcome;
  }

  static Map<String, Object> adminProperties(RuntimeSettings settings) {
    Map<String, Object> props = new HashMap<>(settings.kafka());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    return props;
  }

  /** The settings in force: with the embedded broker's and registry's addresses once started. */
  public RuntimeSettings settings() {
    return settings;
  }

  public String bootstrapServers() {
    return settings.bootstrapServers();
  }

  /** The registry's URL (the embedded one's when embedded). */
  public String registryUrl() {
    return embeddedRegistry != null ? embeddedRegistry.url() : settings.schemaRegistryUrl();
  }

  public SchemaRegistry registry() {
    return registry;
  }

  public boolean embedded() {
    return kafka != null;
  }

  public StreamsApp app() {
    return app;
  }

  /** Stops the streams application (gracefully, within the shutdown timeout), then the registry, then the broker. */
  @Override
  public void close() {
    try {
      app.close();
    } finally {
      stopQuietly(embeddedRegistry, kafka);
    }
  }

  private static void stopQuietly(EmbeddedSchemaRegistry registry, EmbeddedKafka kafka) {
    if (registry != null) {
      try {
        registry.close();
      } catch (RuntimeException e) {
        log.warn("error while stopping the embedded schema registry: {}", e.toString());
      }
    }
    if (kafka != null) {
      try {
        kafka.close();
      } catch (RuntimeException e) {
        log.warn("error while stopping the embedded broker: {}", e.toString());
      }
    }
  }
}

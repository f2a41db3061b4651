package dev.foreshock.runtime;

import dev.foreshock.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of the contract that do not exist yet and checks the ones that do.
 *
 * <ul>
 *   <li>The five telemetry topics have one partition count between them: detectors that join
 *       two of them (changes with connections, dependencies with requests) need them
 *       co-partitioned. A missing telemetry topic is created with the count of the existing
 *       ones, else with {@code topics.partitions}.
 *   <li>{@code telemetry.dependencies} and {@code foreshock.incident-candidates} are compacted
 *       (latest value per key); the other topics are deleted by time.
 *   <li>Telemetry and dead letters are created with {@code message.timestamp.type=LogAppendTime}:
 *       time-based retention then counts from when a record reached the broker, not from its
 *       event time, so a replay of a weeks-old file is not deleted before it is processed (the
 *       streams application reads event time from the {@code ts} field, never from the Kafka
 *       timestamp). It also keeps the broker from refusing a far-future timestamp, which must
 *       reach the dead-letter topic instead.
 * </ul>
 *
 * <p>What is wrong with an existing topic is said in full (every problem, with the topic, the
 * value found and the value needed) in one {@link TopicAdminException}; what may be wrong but
 * still works is logged as a warning.
 */
public final class TopicAdmin {

  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** A topic as Foreshock wants it. */
  public record TopicSpec(String name, int partitions, boolean compacted, Map<String, String> configs) {}

  /** What {@link #ensureTopics()} did: topics created, and warnings about existing ones. */
  public record Outcome(List<String> created, List<String> warnings) {}

  private final Admin admin;
  private final int partitions;
  private final int replicationFactor;
  private final long retentionMs;

  public TopicAdmin(Admin admin, RuntimeSettings settings) {
    this(admin, settings.partitions(), settings.replicationFactor(), settings.retentionMs());
  }

  /**
   * @param replicationFactor -1 for the broker's default
   * @param retentionMs time retention of telemetry and dead letters, -1 for none
   */
  public TopicAdmin(Admin admin, int partitions, int replicationFactor, long retentionMs) {
    this.admin = admin;
    this.partitions = partitions;
    this.replicationFactor = replicationFactor;
    this.retentionMs = retentionMs;
  }

  /** The topics to create, for a cluster where none exists yet. */
  public List<TopicSpec> specs(int telemetryPartitions) {
    List<TopicSpec> specs = new ArrayList<>();
    for (String topic : Topics.TELEMETRY) {
      boolean compacted = topic.equals(Topics.DEPENDENCIES);
      specs.add(new TopicSpec(topic, telemetryPartitions, compacted, telemetryConfigs(compacted)));
    }
    specs.add(new TopicSpec(Topics.CANDIDATES, partitions, true,
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    specs.add(new TopicSpec(Topics.DLQ, partitions, false, telemetryConfigs(false)));
    return specs;
  }

  private Map<String, String> telemetryConfigs(boolean compacted) {
    Map<String, String> configs = new LinkedHashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
        compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    if (!compacted) {
      configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
    }
    return configs;
  }

  /**
   * Creates the missing topics and checks the existing ones.
   *
   * @throws TopicAdminException listing every problem with existing topics, or if the cluster
   *     cannot be reached
   */
  public Outcome ensureTopics() {
    try {
      Set<String> wanted = new TreeSet<>(Topics.TELEMETRY);
      wanted.add(Topics.CANDIDATES);
      wanted.add(Topics.DLQ);
      Set<String> existing = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Set<String> present = wanted.stream().filter(existing::contains).collect(Collectors.toCollection(TreeSet::new));
      Map<String, TopicDescription> descriptions = present.isEmpty() ? Map.of()
          : admin.describeTopics(present).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Map<ConfigResource, Config> configs = present.isEmpty() ? Map.of()
          : admin.describeConfigs(present.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList())
              .all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

      int telemetryPartitions = Topics.TELEMETRY.stream()
          .filter(descriptions::containsKey)
          .map(t -> descriptions.get(t).partitions().size())
          .findFirst().orElse(partitions);
      List<TopicSpec> specs = specs(telemetryPartitions);

      List<String> problems = new ArrayList<>();
      List<String> warnings = new ArrayList<>();
      for (TopicSpec spec : specs) {
        TopicDescription d = descriptions.get(spec.name());
        if (d != null) {
          check(spec, d, configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name())), problems, warnings);
        }
      }
      if (!problems.isEmpty()) {
        throw new TopicAdminException("the existing topics do not fit Foreshock:\n  - "
            + String.join("\n  - ", problems)
            + "\nFix them (kafka-topics.sh --alter / kafka-configs.sh --alter) or delete them and let Foreshock create them.");
      }
      warnings.forEach(w -> log.warn("{}", w));

      List<NewTopic> toCreate = specs.stream()
          .filter(s -> !descriptions.containsKey(s.name()))
          .map(s -> new NewTopic(s.name(), Optional.of(s.partitions()),
              replicationFactor < 0 ? Optional.empty() : Optional.of((short) replicationFactor)).configs(s.configs()))
          .toList();
      List<String> created = new ArrayList<>();
      if (!toCreate.isEmpty()) {
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e
            : admin.createTopics(toCreate).values().entrySet()) {
          try {
            e.getValue().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            created.add(e.getKey());
          } catch (ExecutionException ex) {
            if (!(ex.getCause() instanceof TopicExistsException)) {
              throw new TopicAdminException("cannot create topic " + e.getKey() + ": " + ex.getCause().getMessage(), ex);
            }
          }
        }
        log.info("Created topics {}", created);
      }
      return new Outcome(List.copyOf(created), List.copyOf(warnings));
    } catch (ExecutionException e) {
      throw new TopicAdminException("cannot check or create topics: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new TopicAdminException("cannot check or create topics: the cluster did not answer within " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicAdminException("interrupted while checking topics", e);
    }
  }

  private void check(TopicSpec spec, TopicDescription d, Config config, List<String> problems, List<String> warnings) {
    int actual = d.partitions().size();
    if (actual != spec.partitions()) {
      if (Topics.TELEMETRY.contains(spec.name())) {
        problems.add(spec.name() + " has " + actual + " partitions, but the other telemetry topics have "
            + spec.partitions() + ": all telemetry topics need the same count (they are joined by key)");
      } else {
        warnings.add(spec.name() + " has " + actual + " partitions (Foreshock would create " + spec.partitions()
            + "); that works");
      }
    }
    String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG).orElse(TopicConfig.CLEANUP_POLICY_DELETE);
    Collection<String> policies = List.of(policy.replace(" ", "").split(","));
    if (spec.compacted() && !policies.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      problems.add(spec.name() + " has cleanup.policy=" + policy + ", but must be compacted (cleanup.policy=compact):"
          + " it holds the latest value per key");
    }
    if (!spec.compacted() && policies.contains(TopicConfig.CLEANUP_POLICY_COMPACT)
        && !policies.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
      warnings.add(spec.name() + " is compacted (cleanup.policy=" + policy + "): records with the same key will be"
          + " lost before they are processed if the application lags");
    }
    if (Topics.TELEMETRY.contains(spec.name()) && !spec.compacted()) {
      String type = value(config, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).orElse("CreateTime");
      long retention = value(config, TopicConfig.RETENTION_MS_CONFIG).map(Long::parseLong).orElse(-1L);
      if (type.equals("CreateTime") && retention >= 0) {
        warnings.add(spec.name() + " has message.timestamp.type=CreateTime and retention.ms=" + retention
            + ": replayed records whose event time is older than " + Duration.ofMillis(retention)
            + " may be deleted before they are processed; use message.timestamp.type=LogAppendTime or retention.ms=-1");
      }
    }
  }

  private static Optional<String> value(Config config, String name) {
    if (config == null) {
      return Optional.empty();
    }
    ConfigEntry entry = config.get(name);
    return entry == null || entry.value() == null ? Optional.empty() : Optional.of(entry.value());
  }
}

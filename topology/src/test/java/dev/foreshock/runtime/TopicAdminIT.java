package dev.foreshock.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.Topics;
import dev.foreshock.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicAdminIT {

  @TempDir static Path dataDir;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start(dataDir, "127.0.0.1", 0);
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void shouldCreateTopicsWithPartitionsCompactionAndArrivalTimeRetention() throws Exception {
    try (Admin admin = kafka.admin()) {
      deleteAll(admin);
      TopicAdmin.Outcome outcome = new TopicAdmin(admin, 4, 1, 86_400_000L).ensureTopics();

      assertThat(outcome.created()).hasSize(7);
      Map<String, TopicDescription> topics = admin.describeTopics(outcome.created()).allTopicNames().get();
      assertThat(topics.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(4));
      assertThat(config(admin, Topics.DEPENDENCIES).get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(config(admin, Topics.CANDIDATES).get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(config(admin, Topics.MEMORY).get("cleanup.policy").value()).isEqualTo("delete");
      assertThat(config(admin, Topics.MEMORY).get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
      assertThat(config(admin, Topics.MEMORY).get("retention.ms").value()).isEqualTo("86400000");
      assertThat(config(admin, Topics.DLQ).get("message.timestamp.type").value()).isEqualTo("LogAppendTime");

      // a second start finds everything in place and creates nothing
      assertThat(new TopicAdmin(admin, 4, 1, 86_400_000L).ensureTopics().created()).isEmpty();
    }
  }

  @Test
  void shouldNameEveryProblemWhenExistingTopicsDoNotFit() throws Exception {
    try (Admin admin = kafka.admin()) {
      deleteAll(admin);
      admin.createTopics(List.of(
          new NewTopic(Topics.CONNECTIONS, 3, (short) 1),
          new NewTopic(Topics.MEMORY, 5, (short) 1),
          new NewTopic(Topics.CANDIDATES, 1, (short) 1).configs(Map.of("cleanup.policy", "delete")))).all().get();
      org.awaitility.Awaitility.await("topics visible").until(() -> admin.listTopics().names().get().size() == 3);

      assertThatThrownBy(() -> new TopicAdmin(admin, 3, 1, -1).ensureTopics())
          .isInstanceOf(TopicAdminException.class)
          .hasMessageContaining("telemetry.memory has 5 partitions, but the other telemetry topics have 3")
          .hasMessageContaining("foreshock.incident-candidates has cleanup.policy=delete, but must be compacted");
      // nothing was created while the existing topics are wrong
      assertThat(admin.listTopics().names().get()).doesNotContain(Topics.REQUESTS, Topics.DLQ);
    }
  }

  private static Map<String, org.apache.kafka.clients.admin.ConfigEntry> config(Admin admin, String topic)
      throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
    return config.entries().stream().collect(Collectors.toMap(e -> e.name(), e -> e));
  }

  private static void deleteAll(Admin admin) throws Exception {
    var names = admin.listTopics().names().get();
    if (!names.isEmpty()) {
      admin.deleteTopics(names).all().get();
    }
    org.awaitility.Awaitility.await("topics deleted").until(() -> admin.listTopics().names().get().isEmpty());
  }
}

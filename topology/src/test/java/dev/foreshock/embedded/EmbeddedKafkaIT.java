package dev.foreshock.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

  @TempDir Path dataDir;

  @Test
  void shouldKeepTopicsAndRecordsWhenRestartedOnSameDataDir() throws Exception {
    Random random = new Random(17);
    int count = 20 + random.nextInt(30);
    List<String> sent = new ArrayList<>();
    String topic = "restart-" + random.nextInt(1_000_000);

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, "127.0.0.1", 0)) {
      try (Admin admin = kafka.admin()) {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      }
      kafka.awaitTopicsReady(Set.of(topic), Duration.ofSeconds(30));
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < count; i++) {
          String value = "v" + i + "-" + random.nextInt(1000);
          sent.add(value);
          producer.send(new ProducerRecord<>(topic, 0, "k", value)).get();
        }
      }
    }

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, "127.0.0.1", 0)) {
      kafka.awaitTopicsReady(Set.of(topic), Duration.ofSeconds(30));
      List<String> read = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (read.size() < count && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
        }
      }
      assertThat(read).containsExactlyElementsOf(sent);
    }
  }

  @Test
  void shouldNameTheAddressWhenPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> EmbeddedKafka.start(dataDir, "127.0.0.1", port))
          .isInstanceOf(EmbeddedKafkaException.class)
          .hasMessageContaining("127.0.0.1:" + port + " is already in use");
    }
  }
}

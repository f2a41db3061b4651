package dev.foreshock.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foreshock.Topics;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.embedded.EmbeddedKafka;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.runtime.RuntimeSettings;
import dev.foreshock.runtime.StreamsApp;
import dev.foreshock.runtime.TelemetryRouting;
import dev.foreshock.runtime.TopicAdmin;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the application in one JVM on one real broker, topics with 2 partitions, each
 * with its own state directory and query port: every endpoint answers the same from either
 * instance, also for keys the other owns; after one stops, the survivor answers for every key
 * once the rebalance is over (error windows: what was shown, and what the stopped owner handed
 * over); {@code /metrics} is Prometheus text with the pipeline's figures.
 */
class QueryApiIT {

  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofMinutes(4);
  private static final int UNDECODABLE = 3;

  @TempDir static Path brokerDir;
  private static EmbeddedKafka kafka;

  @TempDir Path stateDir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Instance> instances = new ArrayList<>();

  /** One application instance: its streams client, its query API, its metrics. */
  private record Instance(String name, StreamsApp app, QueryService query, PrometheusMeterRegistry registry)
      implements AutoCloseable {
    String url() {
      return query.url();
    }

    String hostPort() {
      return url().substring("http://".length());
    }

    @Override
    public void close() {
      query.close();
      app.close();
    }
  }

  /** What one GET answered: the status, the JSON body, who served it. */
  private record Answer(int status, JsonNode body, String servedBy) {}

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start(brokerDir, "127.0.0.1", 0);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      new TopicAdmin(admin, 2, 1, -1).ensureTopics();
    }
    Set<String> all = new TreeSet<>(Topics.TELEMETRY);
    all.add(Topics.DLQ);
    all.add(Topics.CANDIDATES);
    kafka.awaitTopicsReady(all, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @AfterEach
  void stopInstances() {
    for (Instance i : instances) {
      i.close();
    }
  }

  @Test
  void shouldAnswerTheSameFromEitherInstanceAndFromTheSurvivorAfterOneStops() throws Exception {
    Random random = new Random(9001);
    String appId = "query-it-" + random.nextInt(1_000_000);
    InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
    AvroSerdes serdes = new AvroSerdes(schemas);
    QueryTelemetry data = new QueryTelemetry(random, BASE, Duration.ofMinutes(25), 0.3);

    // all on the broker before the instances start: each task reads its partitions in timestamp
    // order, so no record is late because another topic's partition ran ahead while producing
    produce(data, serdes);
    Instance a = start("a", appId, serdes);
    Instance b = start("b", appId, serdes);
    await("both instances RUNNING and ready, each knowing the other")
        .atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
        .until(() -> get(a, "/ready").status() == 200 && get(a, "/ready").body().path("instances").asInt() == 2
            && get(b, "/ready").status() == 200 && get(b, "/ready").body().path("instances").asInt() == 2);
    await("every telemetry record consumed by " + appId)
        .atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
        .until(() -> consumedEverything(appId));
    await("the error spike on " + data.spikeService + " listed as an incident")
        .atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          Answer incidents = get(a, "/api/v1/incidents?status=OPEN");
          assertThat(incidents.body().path("incidents").findValuesAsText("subject"))
              .as("incidents %s; errors of %s: %s", incidents.body(), data.spikeService,
                  get(a, "/api/v1/errors/" + data.spikeService).body().path("baseline"))
              .contains(data.spikeService);
        });

    List<String> paths = paths(data, get(a, "/api/v1/incidents").body());
    Map<String, Answer> before = new LinkedHashMap<>();
    await("the same answer from either instance for " + paths.size() + " paths")
        .atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          before.clear();
          for (String path : paths) {
            Answer fromA = get(a, path);
            Answer fromB = get(b, path);
            assertThat(fromA.status()).as("%s from a: %s", path, fromA.body()).isEqualTo(200);
            assertThat(fromB.body()).as("%s from b and from a", path).isEqualTo(fromA.body());
            if (!path.startsWith("/api/v1/incidents?") && !path.equals("/api/v1/incidents")) {
              assertThat(fromB.servedBy()).as("%s: the owner answers whoever is asked", path).isEqualTo(fromA.servedBy());
            }
            before.put(path, fromA);
          }
        });
    Set<String> owners = new HashSet<>();
    before.forEach((path, answer) -> {
      if (path.matches("/api/v1/(incidents|errors|connections|memory)/.*")) {
        owners.add(answer.servedBy());
      }
    });
    assertThat(owners).as("keys owned by each instance").containsExactlyInAnyOrder(a.hostPort(), b.hostPort());
    JsonNode spike = before.get("/api/v1/incidents?status=OPEN").body().path("incidents");
    assertThat(spike.findValuesAsText("type")).contains("ERROR_RATE_SPIKE");
    assertThat(get(a, "/api/v1/errors/no-such-service").status()).isEqualTo(404);
    assertThat(get(b, "/api/v1/errors/no-such-service").status()).isEqualTo(404);
    assertThat(get(b, "/api/v1/connections/" + data.targets.get(0) + "?from=oops").status()).isEqualTo(400);

    assertMetrics(data, List.of(a, b));

    instances.remove(b);
    b.close();
    await("the survivor answering every path itself, as before the stop")
        .atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          for (String path : paths) {
            Answer now = get(a, path);
            assertThat(now.status()).as("%s from the survivor: %s", path, now.body()).isEqualTo(200);
            assertThat(now.servedBy()).as(path).isEqualTo(a.hostPort());
            if (path.startsWith("/api/v1/errors/")) {
              assertErrorsContinue(path, before.get(path).body(), now.body());
            } else {
              assertThat(now.body()).as(path).isEqualTo(before.get(path).body());
            }
          }
        });
    assertThat(get(a, "/ready").body().path("instances").asInt()).isEqualTo(1);
  }

  /**
   * A service's error windows after the clean stop of their owner: every window shown before, as
   * it was; after them only the windows the owner still had open, handed over with {@code closed}
   * false (no record arrives after the stop, so none is judged); the baseline as saved at the stop,
   * never older than the one shown before.
   */
  private static void assertErrorsContinue(String path, JsonNode before, JsonNode now) {
    List<JsonNode> was = new ArrayList<>();
    before.path("windows").forEach(was::add);
    List<JsonNode> is = new ArrayList<>();
    now.path("windows").forEach(is::add);
    assertThat(is).as("%s: the windows shown before the stop, then the handed-over ones", path)
        .hasSizeGreaterThanOrEqualTo(was.size())
        .startsWith(was.toArray(JsonNode[]::new));
    assertThat(is.subList(was.size(), is.size())).as("%s: windows after those shown before", path)
        .allSatisfy(w -> assertThat(w.path("closed").asBoolean()).as("closed").isFalse());
    assertThat(now.path("count").asInt()).as(path).isEqualTo(is.size());
    JsonNode baselineBefore = before.path("baseline");
    JsonNode baselineNow = now.path("baseline");
    assertThat(baselineNow.path("judgedUpTo").asLong()).as("%s: baseline judgedUpTo", path)
        .isGreaterThanOrEqualTo(baselineBefore.path("judgedUpTo").asLong());
    assertThat(baselineNow.path("baselineWindows").asInt()).as("%s: baselineWindows", path)
        .isGreaterThanOrEqualTo(baselineBefore.path("baselineWindows").asInt());
    assertThat(baselineNow.path("severity")).as("%s: severity", path).isEqualTo(baselineBefore.path("severity"));
  }

  /** Every endpoint, for every key of the data (connections in a range long flushed to the store). */
  private static List<String> paths(QueryTelemetry data, JsonNode incidents) {
    List<String> paths = new ArrayList<>();
    paths.add("/api/v1/incidents");
    paths.add("/api/v1/incidents?status=OPEN");
    for (JsonNode c : incidents.path("incidents")) {
      paths.add("/api/v1/incidents/" + c.path("id").asText());
    }
    for (String service : data.services) {
      paths.add("/api/v1/errors/" + service + "?from=" + BASE.toEpochMilli() + "&to=" + data.end);
    }
    for (String target : data.targets) {
      // the newest windows wait in memory for the next checkpoint (1 min): ask for the earlier ones
      paths.add("/api/v1/connections/" + target + "?from=" + (data.end - 15 * 60_000) + "&to=" + (data.end - 5 * 60_000));
    }
    for (String resource : data.resources) {
      paths.add("/api/v1/memory/" + resource);
    }
    return paths;
  }

  private void assertMetrics(QueryTelemetry data, List<Instance> both) throws Exception {
    List<Map<String, Double>> scraped = new ArrayList<>();
    for (Instance i : both) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(i.url() + "/metrics")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
      Map<String, Double> samples = PrometheusText.parse(r.body());
      assertThat(samples.keySet()).as("Kafka Streams client metrics of %s", i.name())
          .anyMatch(k -> k.startsWith("kafka_stream_thread_process_total"))
          .anyMatch(k -> k.startsWith("kafka_consumer_fetch_manager_records_consumed_total"));
      for (String store : QueryMeters.GAUGED_STORES) {
        assertThat(samples).containsKey("foreshock_store_entries{store=\"" + store + "\"}");
      }
      scraped.add(samples);
    }
    long requests = data.records.stream().filter(r -> r instanceof RequestStats).count();
    long memory = data.records.stream().filter(r -> r instanceof MemorySample).count();
    // a rebalance may make the new owner fetch again what the old one had buffered: at least, not exactly
    assertThat(sumOver(scraped, "foreshock_records_consumed_total", "topic=\"" + Topics.REQUESTS + "\""))
        .as("request stats consumed by the two instances").isBetween(requests + 1.0, 2.0 * (requests + 1));
    assertThat(sumOver(scraped, "foreshock_records_consumed_total", "topic=\"" + Topics.MEMORY + "\""))
        .as("memory samples, undecodable ones and the late one, consumed by the two instances")
        .isBetween(memory + UNDECODABLE + 1.0, 2.0 * (memory + UNDECODABLE + 1));
    assertThat(sumOver(scraped, "foreshock_dlq_records_total", "reason=\"undecodable\"")).isEqualTo(UNDECODABLE);
    assertThat(sumOver(scraped, "foreshock_dlq_records_total", "reason=\"invalid\"")).isEqualTo(1);
    assertThat(sumOver(scraped, "foreshock_late_records_total", "detector=\"memory\"")).isEqualTo(1);
    assertThat(sumOver(scraped, "foreshock_candidates_total", "type=\"ERROR_RATE_SPIKE\"", "severity=\"CRITICAL\"",
        "status=\"OPEN\"")).isEqualTo(1);
    assertThat(sumOver(scraped, "foreshock_store_entries", "store=\"error-baselines\""))
        .isGreaterThanOrEqualTo(data.services.size());
  }

  /** The sum over both instances of the samples of {@code name} with {@code labels}; fails when neither has one. */
  private static double sumOver(List<Map<String, Double>> scraped, String name, String... labels) {
    double sum = 0;
    boolean any = false;
    for (Map<String, Double> samples : scraped) {
      // an instance that never counted one has no such series
      if (samples.keySet().stream().anyMatch(k -> k.startsWith(name + "{") && List.of(labels).stream().allMatch(k::contains))) {
        sum += PrometheusText.sum(samples, name, labels);
        any = true;
      }
    }
    assertThat(any).as("a sample %s with %s on either instance", name, List.of(labels)).isTrue();
    return sum;
  }

  private Instance start(String name, String appId, AvroSerdes serdes) {
    QueryService query = QueryService.bind("127.0.0.1", 0);
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", kafka.bootstrapServers());
    values.put("application.id", appId);
    values.put("data.dir", stateDir.resolve(name).toString());
    values.put("state.dir", stateDir.resolve(name).resolve("streams").toString());
    values.put("processing.guarantee", "at_least_once");
    values.put("topics.partitions", "2");
    values.put("rocksdb.memory.mb", "16");
    values.put("shutdown.timeout", "30s");
    values.put("query.host", "127.0.0.1");
    values.put("query.port", Integer.toString(query.port()));
    Map<String, String> clientProps = Map.of(
        "commit.interval.ms", "200",
        "session.timeout.ms", "6000",
        "heartbeat.interval.ms", "1500",
        // every client counts as caught up, so that tasks spread over both instances at once
        "acceptable.recovery.lag", Long.toString(Long.MAX_VALUE),
        // the broker deletes changelog records by wall-clock retention: the windows of this
        // replayed 2025 data would be gone from the window stores' changelogs before a restore
        "windowstore.changelog.additional.retention.ms", Long.toString(Duration.ofDays(3650).toMillis()));
    RuntimeSettings settings = RuntimeSettings.from(SettingsSource.of(values), clientProps);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    StreamsApp app = new StreamsApp(settings, ForeshockSettings.defaults(), new Topics(serdes),
        new PipelineMetrics(registry), Clock.systemUTC());
    app.start();
    query.start(app.streams(), registry, QueryLimits.defaults());
    Instance instance = new Instance(name, app, query, registry);
    instances.add(instance);
    return instance;
  }

  /**
   * Produces the data as producers would, then {@value #UNDECODABLE} undecodable memory records,
   * one invalid request stats record and one memory sample 10 minutes late.
   */
  @SuppressWarnings("unchecked")
  private static void produce(QueryTelemetry data, AvroSerdes serdes) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
      for (SpecificRecord record : data.records) {
        TelemetryRouting route = TelemetryRouting.of(record);
        byte[] value = serdes.valueSerde((Class<SpecificRecord>) record.getClass()).serializer()
            .serialize(route.topic(), record);
        producer.send(new ProducerRecord<>(route.topic(), null,
            route.timestamp() == null ? BASE.toEpochMilli() : route.timestamp(), route.key(), value));
      }
      String resource = data.resources.get(0);
      for (int i = 0; i < UNDECODABLE; i++) {
        producer.send(new ProducerRecord<>(Topics.MEMORY, null, data.end, resource,
            ("not avro " + i).getBytes(StandardCharsets.UTF_8)));
      }
      RequestStats invalid = RequestStats.newBuilder().setTs(data.end).setService(data.services.get(0))
          .setInstance("broken-1").setIntervalMs(10_000).setRequests(5).setErrors(9).build();
      producer.send(new ProducerRecord<>(Topics.REQUESTS, null, data.end, invalid.getService(),
          serdes.valueSerde(RequestStats.class).serializer().serialize(Topics.REQUESTS, invalid)));
      MemorySample late = MemorySample.newBuilder(data.lastSample.get(resource))
          .setTs(data.end - Duration.ofMinutes(10).toMillis()).build();
      producer.send(new ProducerRecord<>(Topics.MEMORY, null, late.getTs(), resource,
          serdes.valueSerde(MemorySample.class).serializer().serialize(Topics.MEMORY, late)));
      producer.flush();
    }
  }

  private static boolean consumedEverything(String appId) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (String topic : Topics.TELEMETRY) {
        for (int p = 0; p < 2; p++) {
          request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
      }
      return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).entrySet().stream().allMatch(e -> {
        OffsetAndMetadata c = committed.get(e.getKey());
        return e.getValue().offset() == 0 || (c != null && c.offset() == e.getValue().offset());
      });
    } catch (Exception e) {
      return false;
    }
  }

  private Answer get(Instance instance, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(instance.url() + path))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()),
        r.headers().firstValue(QueryServer.SERVED_BY_HEADER).orElse(null));
  }
}

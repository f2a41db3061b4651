package dev.foreshock.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.serde.HttpSchemaRegistryClient;
import dev.foreshock.serde.RegistrySettings;
import dev.foreshock.serde.SchemaRegistryException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSchemaRegistryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String V1 = "application/vnd.schemaregistry.v1+json";

  @TempDir Path dir;
  private EmbeddedSchemaRegistry server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpSchemaRegistryClient client() {
    return new HttpSchemaRegistryClient(RegistrySettings.of(server.url()));
  }

  @Test
  void shouldRegisterIdempotentlyAndShareIdsAcrossSubjects() {
    server = EmbeddedSchemaRegistry.start();
    HttpSchemaRegistryClient a = client();
    HttpSchemaRegistryClient b = client();

    int memory = a.register("telemetry.memory-value", MemorySample.getClassSchema());
    int again = b.register("telemetry.memory-value", MemorySample.getClassSchema());
    int otherSubject = b.register("copy.memory-value", MemorySample.getClassSchema());
    int requests = a.register("telemetry.requests-value", RequestStats.getClassSchema());

    assertThat(again).isEqualTo(memory);
    assertThat(otherSubject).isEqualTo(memory);
    assertThat(requests).isNotEqualTo(memory);
    assertThat(b.schemaById(requests)).isEqualTo(RequestStats.getClassSchema());
    assertThat(a.subjects()).containsExactly("telemetry.memory-value", "copy.memory-value", "telemetry.requests-value");
    assertThat(a.versions("telemetry.memory-value")).containsExactly(1);
  }

  @Test
  void shouldNumberVersionsOfASubjectAndAnswerLatest() throws Exception {
    server = EmbeddedSchemaRegistry.start();
    HttpSchemaRegistryClient client = client();
    Schema old = olderMemorySample();
    int v1 = client.register("telemetry.memory-value", old);
    int v2 = client.register("telemetry.memory-value", MemorySample.getClassSchema());
    int v1Again = client.register("telemetry.memory-value", old);

    assertThat(v1Again).isEqualTo(v1);
    assertThat(client.versions("telemetry.memory-value")).containsExactly(1, 2);
    JsonNode latest = get("/subjects/telemetry.memory-value/versions/latest").json();
    assertThat(latest.get("subject").asText()).isEqualTo("telemetry.memory-value");
    assertThat(latest.get("version").asInt()).isEqualTo(2);
    assertThat(latest.get("id").asInt()).isEqualTo(v2);
    assertThat(new Schema.Parser().parse(latest.get("schema").asText())).isEqualTo(MemorySample.getClassSchema());
    JsonNode first = get("/subjects/telemetry.memory-value/versions/1").json();
    assertThat(first.get("id").asInt()).isEqualTo(v1);
    Reply raw = get("/subjects/telemetry.memory-value/versions/1/schema");
    assertThat(new Schema.Parser().parse(raw.body())).isEqualTo(old);
    assertThat(get("/schemas/ids/" + v2 + "/schema").body()).isEqualTo(MemorySample.getClassSchema().toString());
    assertThat(get("/schemas/ids/" + v1 + "/versions").json().toString())
        .isEqualTo("[{\"subject\":\"telemetry.memory-value\",\"version\":1}]");
  }

  @Test
  void shouldAnswerConfluentClientCallsWithTheirQueryParameters() throws Exception {
    server = EmbeddedSchemaRegistry.start();
    String body = JSON.createObjectNode().put("schema", ConnectionEvent.getClassSchema().toString()).toString();
    Reply registered = post("/subjects/telemetry.connections-value/versions?normalize=false", body);
    assertThat(registered.status()).isEqualTo(200);
    assertThat(registered.contentType()).isEqualTo(V1);
    int id = registered.json().get("id").asInt();

    Reply byId = get("/schemas/ids/" + id + "?fetchMaxId=false&subject=telemetry.connections-value");
    assertThat(byId.status()).isEqualTo(200);
    assertThat(byId.json().get("schema").asText()).isEqualTo(ConnectionEvent.getClassSchema().toString());

    Reply lookup = post("/subjects/telemetry.connections-value?normalize=false&deleted=false", body);
    assertThat(lookup.json().get("version").asInt()).isEqualTo(1);
    assertThat(lookup.json().get("id").asInt()).isEqualTo(id);

    assertThat(get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    assertThat(get("/config/telemetry.connections-value").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    assertThat(send("PUT", "/config/telemetry.connections-value", "{\"compatibility\":\"BACKWARD\"}").json()
        .get("compatibility").asText()).isEqualTo("BACKWARD");
    assertError(send("PUT", "/config", "{\"compatibility\":\"NONE\"}"), 422, 42203, "only supports BACKWARD");
    assertThat(get("/").body()).isEqualTo("{}");
    assertThat(get("/subjects").json().toString()).isEqualTo("[\"telemetry.connections-value\"]");
  }

  @Test
  void shouldLetAForeignGenericConsumerDecodeWhatForeshockWrote() throws Exception {
    server = EmbeddedSchemaRegistry.start();
    dev.foreshock.serde.AvroSerdes serdes = new dev.foreshock.serde.AvroSerdes(client());
    MemorySample sample = MemorySample.newBuilder().setTs(1_758_070_800_000L).setResource("redis-queue")
        .setHost("redis-1").setUsedBytes(1_288_490_188L).setMaxBytes(3_221_225_472L).build();
    byte[] bytes = serdes.valueSerde(MemorySample.class).serializer().serialize("telemetry.memory", sample);

    // what KafkaAvroDeserializer does without the generated class: id from the header, schema over REST
    int id = java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt();
    String text = get("/schemas/ids/" + id + "?fetchMaxId=false&subject=telemetry.memory-value").json()
        .get("schema").asText();
    Schema writer = new Schema.Parser().parse(text);
    org.apache.avro.generic.GenericRecord generic = new org.apache.avro.generic.GenericDatumReader<
        org.apache.avro.generic.GenericRecord>(writer).read(null,
        org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

    assertThat(generic.get("resource").toString()).isEqualTo("redis-queue");
    assertThat(generic.get("host").toString()).isEqualTo("redis-1");
    assertThat(generic.get("usedBytes")).isEqualTo(1_288_490_188L);
    assertThat(generic.get("maxBytes")).isEqualTo(3_221_225_472L);
    assertThat(generic.get("ts")).isEqualTo(1_758_070_800_000L);
  }

  @Test
  void shouldAnswerConfluentErrorCodesForWhatDoesNotExist() throws Exception {
    server = EmbeddedSchemaRegistry.start();
    client().register("telemetry.memory-value", MemorySample.getClassSchema());
    String otherSchema = JSON.createObjectNode().put("schema", RequestStats.getClassSchema().toString()).toString();

    assertError(get("/schemas/ids/7"), 404, 40403, "Schema 7 not found");
    assertError(get("/schemas/ids/7/schema"), 404, 40403, "Schema 7 not found");
    assertError(get("/subjects/nope-value/versions"), 404, 40401, "Subject 'nope-value' not found.");
    assertError(get("/subjects/nope-value/versions/1"), 404, 40401, "Subject 'nope-value' not found.");
    assertError(get("/subjects/telemetry.memory-value/versions/2"), 404, 40402, "Version 2 not found.");
    assertError(get("/subjects/telemetry.memory-value/versions/zero"), 422, 42202, "not a valid version");
    assertError(post("/subjects/telemetry.memory-value", otherSchema), 404, 40403, "Schema not found");
    assertError(post("/subjects/nope-value", otherSchema), 404, 40401, "Subject 'nope-value' not found.");
    assertError(post("/subjects/x-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"recrd\\\"}\"}"), 422, 42201, "Invalid schema");
    assertError(post("/subjects/x-value/versions", "{\"schema\":\"\"}"), 422, 42201, "Empty schema");
    assertError(post("/subjects/x-value/versions", "not json"), 400, 400, "not JSON");
    assertError(get("/no/such/thing"), 404, 404, "HTTP 404 Not Found");
    assertError(send("DELETE", "/subjects/telemetry.memory-value/versions/1", null), 405, 405, "HTTP 405 Method Not Allowed");
    assertError(send("PUT", "/schemas/ids/1", "{}"), 405, 405, "HTTP 405 Method Not Allowed");
  }

  @Test
  void shouldRefuseABackwardIncompatibleNewVersionWith409() throws Exception {
    server = EmbeddedSchemaRegistry.start();
    HttpSchemaRegistryClient client = client();
    client.register("telemetry.memory-value", olderMemorySample());
    Schema requiredNewField = SchemaBuilder.record("MemorySample").namespace("dev.foreshock.avro").fields()
        .requiredLong("ts").requiredString("resource").requiredLong("usedBytes").requiredString("region").endRecord();

    assertThatThrownBy(() -> client.register("telemetry.memory-value", requiredNewField))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("HTTP 409")
        .hasMessageContaining("incompatible")
        .hasMessageContaining("telemetry.memory-value");
    String body = JSON.createObjectNode().put("schema", requiredNewField.toString()).toString();
    assertThat(post("/compatibility/subjects/telemetry.memory-value/versions/latest", body).json()
        .get("is_compatible").asBoolean()).isFalse();
    String compatible = JSON.createObjectNode().put("schema", MemorySample.getClassSchema().toString()).toString();
    assertThat(post("/compatibility/subjects/telemetry.memory-value/versions/1", compatible).json()
        .get("is_compatible").asBoolean()).isTrue();
  }

  @Test
  void shouldKeepIdsAndVersionsAcrossARestartWithAJournal() {
    Path journal = dir.resolve("data/schemas.jsonl");
    server = EmbeddedSchemaRegistry.builder().journal(journal).start();
    HttpSchemaRegistryClient before = client();
    int memoryOld = before.register("telemetry.memory-value", olderMemorySample());
    int memory = before.register("telemetry.memory-value", MemorySample.getClassSchema());
    int requests = before.register("telemetry.requests-value", RequestStats.getClassSchema());
    server.close();

    server = EmbeddedSchemaRegistry.builder().journal(journal).start();
    HttpSchemaRegistryClient after = client();
    assertThat(after.schemaById(memoryOld)).isEqualTo(olderMemorySample());
    assertThat(after.schemaById(memory)).isEqualTo(MemorySample.getClassSchema());
    assertThat(after.register("telemetry.requests-value", RequestStats.getClassSchema())).isEqualTo(requests);
    assertThat(after.versions("telemetry.memory-value")).containsExactly(1, 2);
    int connections = after.register("telemetry.connections-value", ConnectionEvent.getClassSchema());
    assertThat(connections).isEqualTo(requests + 1);
    server.close();

    server = EmbeddedSchemaRegistry.builder().journal(journal).start();
    assertThat(client().schemaById(connections)).isEqualTo(ConnectionEvent.getClassSchema());
    assertThat(client().subjects())
        .containsExactly("telemetry.memory-value", "telemetry.requests-value", "telemetry.connections-value");
  }

  @Test
  void shouldDropALastLineCutShortByACrash() throws IOException {
    Path journal = dir.resolve("schemas.jsonl");
    server = EmbeddedSchemaRegistry.builder().journal(journal).start();
    int memory = client().register("telemetry.memory-value", MemorySample.getClassSchema());
    server.close();
    Files.writeString(journal, "{\"subject\":\"telemetry.requests-value\",\"vers", StandardOpenOption.APPEND);

    server = EmbeddedSchemaRegistry.builder().journal(journal).start();
    int requests = client().register("telemetry.requests-value", RequestStats.getClassSchema());
    server.close();
    server = EmbeddedSchemaRegistry.builder().journal(journal).start();

    assertThat(client().schemaById(memory)).isEqualTo(MemorySample.getClassSchema());
    assertThat(client().schemaById(requests)).isEqualTo(RequestStats.getClassSchema());
    assertThat(Files.readAllLines(journal)).hasSize(2);
  }

  @Test
  void shouldRefuseToStartOnACorruptJournalLineNamingFileAndLine() throws IOException {
    Path journal = dir.resolve("schemas.jsonl");
    server = EmbeddedSchemaRegistry.builder().journal(journal).start();
    client().register("telemetry.memory-value", MemorySample.getClassSchema());
    client().register("telemetry.requests-value", RequestStats.getClassSchema());
    server.close();
    server = null;
    List<String> lines = Files.readAllLines(journal);
    Files.write(journal, List.of(lines.get(0), "garbage", lines.get(1)));

    assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder().journal(journal).start())
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageStartingWith(journal + ":2: ");
  }

  @Test
  void shouldCheckBasicAuthWhenConfigured() throws Exception {
    server = EmbeddedSchemaRegistry.builder().basicAuth("foreshock:s3cret").start();
    RegistrySettings settings = RegistrySettings.of(server.url());

    int id = new HttpSchemaRegistryClient(settings.withBasicAuth("foreshock:s3cret"))
        .register("telemetry.memory-value", MemorySample.getClassSchema());
    assertThat(id).isPositive();
    String withCredentialsInUrl = server.url().replace("http://", "http://foreshock:s3cret@");
    assertThat(new HttpSchemaRegistryClient(RegistrySettings.of(withCredentialsInUrl)).schemaById(id))
        .isEqualTo(MemorySample.getClassSchema());

    assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings.withBasicAuth("foreshock:wrong")).schemaById(id))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage("schema registry at " + server.url() + " answered HTTP 401, error_code 401: Unauthorized"
            + " (looking up schema id " + id + ")");
    assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings).schemaById(id))
        .hasMessageContaining("HTTP 401");
    assertThat(get("/subjects").status()).isEqualTo(401);
  }

  @Test
  void shouldGiveOneIdAndOneVersionWhenManyClientsRegisterAtOnce() throws Exception {
    Path journal = dir.resolve("schemas.jsonl");
    server = EmbeddedSchemaRegistry.builder().journal(journal).start();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Integer>> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String subject = "topic-" + (i % 4) + "-value";
        Schema schema = i % 2 == 0 ? MemorySample.getClassSchema() : RequestStats.getClassSchema();
        ids.add(pool.submit(() -> client().register(subject, schema)));
      }
      java.util.Set<Integer> distinct = new java.util.HashSet<>();
      for (java.util.concurrent.Future<Integer> id : ids) {
        distinct.add(id.get());
      }
      assertThat(distinct).hasSize(2);
    } finally {
      pool.shutdownNow();
    }
    for (int t = 0; t < 4; t++) {
      assertThat(server.registry().versions("topic-" + t + "-value")).hasSize(1);
    }
    assertThat(Files.readAllLines(journal)).hasSize(4);
  }

  @Test
  void shouldNameThePortWhenItIsTaken() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> EmbeddedSchemaRegistry.builder().port(port).start())
          .isInstanceOf(SchemaRegistryException.class)
          .hasMessageContaining("port " + port)
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void shouldServeOnTheGivenPort() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    server = EmbeddedSchemaRegistry.builder().port(port).start();
    assertThat(server.port()).isEqualTo(port);
    assertThat(server.url()).isEqualTo("http://127.0.0.1:" + port);
  }

  static Schema olderMemorySample() {
    return SchemaBuilder.record("MemorySample").namespace("dev.foreshock.avro").fields()
        .requiredLong("ts").requiredString("resource").requiredLong("usedBytes").endRecord();
  }

  private static void assertError(Reply reply, int status, int errorCode, String message) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.contentType()).isEqualTo(V1);
    JsonNode json = reply.json();
    assertThat(json.get("error_code").asInt()).isEqualTo(errorCode);
    assertThat(json.get("message").asText()).contains(message);
  }

  private record Reply(int status, String body, String contentType) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  private Reply get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  private Reply post(String path, String body) throws IOException, InterruptedException {
    return send("POST", path, body);
  }

  private Reply send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", V1);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
  }
}

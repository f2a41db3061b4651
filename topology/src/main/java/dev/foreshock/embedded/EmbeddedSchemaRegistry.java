package dev.foreshock.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.foreshock.serde.HttpSchemaRegistryClient;
import dev.foreshock.serde.InMemorySchemaRegistry;
import dev.foreshock.serde.InMemorySchemaRegistry.Registration;
import dev.foreshock.serde.SchemaRegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process schema registry served over HTTP on loopback, speaking enough of the Confluent
 * Schema Registry REST API that Confluent's {@code KafkaAvroSerializer}/{@code KafkaAvroDeserializer}
 * ({@code CachedSchemaRegistryClient}), Foreshock's {@link HttpSchemaRegistryClient} and tools such
 * as {@code kafka-avro-console-consumer} work against it:
 *
 * <ul>
 *   <li>{@code POST /subjects/{s}/versions} register (idempotent; query parameters such as
 *       {@code normalize} ignored), {@code POST /subjects/{s}} look a schema up under a subject;
 *   <li>{@code GET /schemas/ids/{id}} (query parameters ignored), {@code /schemas/ids/{id}/schema},
 *       {@code /schemas/ids/{id}/versions}, {@code /schemas/ids/{id}/subjects}, {@code /schemas/types};
 *   <li>{@code GET /subjects}, {@code /subjects/{s}/versions},
 *       {@code /subjects/{s}/versions/{version|latest}} and its {@code /schema};
 *   <li>{@code GET /config}, {@code /config/{s}} (always {@code BACKWARD}; a {@code PUT} of any other
 *       level is refused with 42203), {@code GET /mode}, {@code GET /};
 *   <li>{@code POST /compatibility/subjects/{s}/versions/{version|latest}}.
 * </ul>
 *
 * <p>A new version of an existing subject must be BACKWARD compatible with its latest version
 * (readers with the new schema can read data written with the old one), as in Confluent's default;
 * otherwise the answer is HTTP 409.
 *
 * <p>Errors are Confluent's bodies ({@code {"error_code":40403,"message":"Schema 7 not found"}}) with
 * content type {@code application/vnd.schemaregistry.v1+json}. With a journal file every new version
 * is appended (and forced to disk) before it is answered and replayed on start, so ids stay stable
 * across restarts: the topics hold them. Optional HTTP basic auth. Thread safe; the schemas live in
 * an {@link InMemorySchemaRegistry}, which in-process callers may use directly ({@link #registry()}).
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = HttpSchemaRegistryClient.CONTENT_TYPE;
  private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  private final InMemorySchemaRegistry registry;
  private final SchemaJournal journal;
  private final HttpServer server;
  private final ExecutorService executor;
  private final String expectedAuthorization;
  private final String url;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private EmbeddedSchemaRegistry(Builder b) {
    this.registry = new InMemorySchemaRegistry();
    this.journal = b.journal == null ? null : SchemaJournal.open(b.journal, registry);
    if (journal != null) {
      registry.journal(journal);
    }
    this.expectedAuthorization = b.basicAuthUserInfo == null ? null
        : "Basic " + Base64.getEncoder().encodeToString(b.basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try {
      this.server = HttpServer.create(new InetSocketAddress(loopback, b.port), 64);
    } catch (BindException e) {
      closeJournal();
      throw new SchemaRegistryException("cannot start the embedded schema registry: port " + b.port + " on "
          + loopback.getHostAddress() + " is already in use (choose another with the registry port setting, or 0 for any free port)", e);
    } catch (IOException e) {
      closeJournal();
      throw new SchemaRegistryException("cannot start the embedded schema registry on port " + b.port + ": " + e.getMessage(), e);
    }
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "schema-registry-http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    this.url = "http://" + hostLiteral(loopback) + ":" + server.getAddress().getPort();
    LOG.info("embedded schema registry listening at {}{}", url, b.journal == null ? "" : " (journal " + b.journal + ")");
  }

  /** A registry on an ephemeral loopback port, in memory only. */
  public static EmbeddedSchemaRegistry start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How to start an {@link EmbeddedSchemaRegistry}. */
  public static final class Builder {
    private int port;
    private Path journal;
    private String basicAuthUserInfo;

    private Builder() { }

    /** The loopback port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not in [0, 65535]");
      }
      this.port = port;
      return this;
    }

    /** The file that keeps the schemas across restarts (created if missing); null = memory only. */
    public Builder journal(Path file) {
      this.journal = file;
      return this;
    }

    /** Requires HTTP basic auth with {@code user:password}; null = no auth. */
    public Builder basicAuth(String userInfo) {
      if (userInfo != null && userInfo.indexOf(':') < 0) {
        throw new IllegalArgumentException("basic auth must be user:password");
      }
      this.basicAuthUserInfo = userInfo;
      return this;
    }

    /** Starts serving; fails with a message naming the port if it is taken. */
    public EmbeddedSchemaRegistry start() {
      return new EmbeddedSchemaRegistry(this);
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8081}: the value of {@code schema.registry.url}. */
  public String url() {
    return url;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The schemas behind the HTTP API, for in-process use without HTTP. */
  public InMemorySchemaRegistry registry() {
    return registry;
  }

  /** Stops serving and closes the journal; later calls do nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeJournal();
    LOG.info("embedded schema registry at {} stopped", url);
  }

  private void closeJournal() {
    if (journal != null) {
      journal.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  /** An answer that is a Confluent error. */
  private static final class RestError extends RuntimeException {
    final int status;
    final int errorCode;

    RestError(int status, int errorCode, String message) {
      super(message, null, false, false);
      this.status = status;
      this.errorCode = errorCode;
    }
  }

  private record Answer(int status, String body) { }

  private void handle(HttpExchange exchange) throws IOException {
    Answer answer;
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    try {
      if (!authorized(exchange)) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"schema-registry\"");
        throw new RestError(401, 401, "Unauthorized");
      }
      List<String> path = segments(exchange.getRequestURI().getRawPath());
      answer = new Answer(200, route(method, path, exchange));
    } catch (RestError e) {
      answer = error(e.status, e.errorCode, e.getMessage());
    } catch (IOException e) {
      answer = error(400, 400, "cannot read the request body: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("embedded schema registry: {} {} failed", method, exchange.getRequestURI(), e);
      answer = error(500, 50001, "Error in the backend data store: " + e.getMessage());
    }
    LOG.debug("{} {} -> {}", method, exchange.getRequestURI(), answer.status());
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    try (OutputStream out = exchange.getResponseBody()) {
      if ("HEAD".equals(method)) {
        exchange.sendResponseHeaders(answer.status(), -1);
      } else {
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        out.write(bytes);
      }
    }
  }

  private boolean authorized(HttpExchange exchange) {
    if (expectedAuthorization == null) {
      return true;
    }
    String given = exchange.getRequestHeaders().getFirst("Authorization");
    return given != null && MessageDigest.isEqual(given.trim().getBytes(StandardCharsets.UTF_8),
        expectedAuthorization.getBytes(StandardCharsets.UTF_8));
  }

  private String route(String method, List<String> p, HttpExchange exchange) throws IOException {
    int n = p.size();
    String first = n == 0 ? "" : p.get(0);
    boolean get = method.equals("GET") || method.equals("HEAD");
    boolean post = method.equals("POST");
    switch (first) {
      case "":
        if (n == 0) {
          return only(get, "{}");
        }
        break;
      case "schemas":
        if (n == 2 && p.get(1).equals("types")) {
          return only(get, "[\"AVRO\"]");
        }
        if (n >= 3 && n <= 4 && p.get(1).equals("ids")) {
          int id = parseId(p.get(2));
          if (n == 3) {
            return only(get, () -> schemaById(id, exchange.getRequestURI().getRawQuery()));
          }
          switch (p.get(3)) {
            case "schema":
              return only(get, () -> schema(id).toString());
            case "versions":
              return only(get, () -> usages(id, true));
            case "subjects":
              return only(get, () -> usages(id, false));
            default:
              break;
          }
        }
        break;
      case "subjects":
        if (n == 1) {
          return only(get, () -> json(registry.subjects()));
        }
        String subject = p.get(1);
        if (n == 2) {
          if (!post) {
            throw notAllowed();
          }
          return lookup(subject, body(exchange));
        }
        if (p.get(2).equals("versions")) {
          if (n == 3) {
            if (post) {
              return register(subject, body(exchange));
            }
            return only(get, () -> versions(subject));
          }
          if (n == 4) {
            return only(get, () -> registration(version(subject, p.get(3))));
          }
          if (n == 5 && p.get(4).equals("schema")) {
            return only(get, () -> version(subject, p.get(3)).schema().toString());
          }
        }
        break;
      case "config":
        if (n <= 2) {
          if (method.equals("PUT")) {
            return setConfig(body(exchange));
          }
          return only(get, "{\"compatibilityLevel\":\"BACKWARD\"}");
        }
        break;
      case "mode":
        if (n <= 2) {
          return only(get, "{\"mode\":\"READWRITE\"}");
        }
        break;
      case "compatibility":
        if (n == 5 && p.get(1).equals("subjects") && p.get(3).equals("versions")) {
          if (!post) {
            throw notAllowed();
          }
          return compatibility(p.get(2), p.get(4), body(exchange));
        }
        break;
      default:
        break;
    }
    throw new RestError(404, 404, "HTTP 404 Not Found");
  }

  private interface Body {
    String get();
  }

  private static String only(boolean allowed, String body) {
    if (!allowed) {
      throw notAllowed();
    }
    return body;
  }

  private static String only(boolean allowed, Body body) {
    if (!allowed) {
      throw notAllowed();
    }
    return body.get();
  }

  private static RestError notAllowed() {
    return new RestError(405, 405, "HTTP 405 Method Not Allowed");
  }

  // ---------------------------------------------------------------------------------------------
  // endpoints

  private synchronized String register(String subject, JsonNode body) {
    Schema schema = schemaOf(body);
    Optional<Registration> existing = registry.lookup(subject, schema);
    if (existing.isEmpty()) {
      Optional<Registration> latest = registry.latest(subject);
      if (latest.isPresent() && !compatible(schema, latest.get().schema())) {
        throw new RestError(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
            + subject + "\" (BACKWARD: the new schema cannot read data written with version "
            + latest.get().version() + ")");
      }
    }
    int id;
    try {
      id = existing.isPresent() ? existing.get().id() : registry.register(subject, schema);
    } catch (SchemaRegistryException e) {
      throw new RestError(500, 50001, "Error in the backend data store: " + e.getMessage());
    }
    return "{\"id\":" + id + "}";
  }

  private String lookup(String subject, JsonNode body) {
    Schema schema = schemaOf(body);
    if (registry.versions(subject).isEmpty()) {
      throw subjectNotFound(subject);
    }
    return registration(registry.lookup(subject, schema)
        .orElseThrow(() -> new RestError(404, 40403, "Schema not found")));
  }

  private String schemaById(int id, String rawQuery) {
    ObjectNode n = JSON.createObjectNode();
    n.put("schema", schema(id).toString());
    if (rawQuery != null && rawQuery.contains("fetchMaxId=true")) {
      n.put("maxId", registry.maxId());
    }
    return n.toString();
  }

  private Schema schema(int id) {
    return registry.findSchema(id).orElseThrow(() -> new RestError(404, 40403, "Schema " + id + " not found"));
  }

  private String usages(int id, boolean withVersions) {
    schema(id);
    ArrayNode out = JSON.createArrayNode();
    for (Registration r : registry.usages(id)) {
      if (withVersions) {
        out.addObject().put("subject", r.subject()).put("version", r.version());
      } else {
        out.add(r.subject());
      }
    }
    return out.toString();
  }

  private String versions(String subject) {
    List<Integer> ids = registry.versions(subject);
    if (ids.isEmpty()) {
      throw subjectNotFound(subject);
    }
    List<Integer> numbers = new ArrayList<>();
    for (int v = 1; v <= ids.size(); v++) {
      numbers.add(v);
    }
    return json(numbers);
  }

  private Registration version(String subject, String version) {
    int v;
    if (version.equals("latest") || version.equals("-1")) {
      v = -1;
    } else {
      try {
        v = Integer.parseInt(version);
      } catch (NumberFormatException e) {
        v = 0;
      }
      if (v < 1) {
        throw new RestError(422, 42202, "The specified version '" + version + "' is not a valid version id. "
            + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
      }
    }
    if (registry.versions(subject).isEmpty()) {
      throw subjectNotFound(subject);
    }
    Optional<Registration> r = v == -1 ? registry.latest(subject) : registry.version(subject, v);
    return r.orElseThrow(() -> new RestError(404, 40402, "Version " + version + " not found."));
  }

  /** The level is fixed: setting it to BACKWARD is accepted (and echoed, as Confluent does), any other is refused. */
  private static String setConfig(JsonNode body) {
    String level = body.path("compatibility").asText(body.path("compatibilityLevel").asText(""));
    if (!level.equalsIgnoreCase("BACKWARD")) {
      throw new RestError(422, 42203, "Invalid compatibility level '" + level
          + "': the embedded registry only supports BACKWARD");
    }
    return "{\"compatibility\":\"BACKWARD\"}";
  }

  private String compatibility(String subject, String version, JsonNode body) {
    Schema schema = schemaOf(body);
    Registration existing = version(subject, version);
    ObjectNode n = JSON.createObjectNode();
    n.put("is_compatible", compatible(schema, existing.schema()));
    return n.toString();
  }

  private static boolean compatible(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }

  private static String registration(Registration r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("subject", r.subject());
    n.put("version", r.version());
    n.put("id", r.id());
    n.put("schema", r.schema().toString());
    return n.toString();
  }

  private static RestError subjectNotFound(String subject) {
    return new RestError(404, 40401, "Subject '" + subject + "' not found.");
  }

  private static Schema schemaOf(JsonNode body) {
    JsonNode type = body.get("schemaType");
    if (type != null && !type.isNull() && !type.asText().equalsIgnoreCase("AVRO")) {
      throw new RestError(422, 42201, "Invalid schema: schema type " + type.asText()
          + " is not supported by the embedded registry (only AVRO)");
    }
    JsonNode refs = body.get("references");
    if (refs != null && refs.isArray() && refs.size() > 0) {
      throw new RestError(422, 42201, "Invalid schema: schema references are not supported by the embedded registry");
    }
    JsonNode text = body.get("schema");
    if (text == null || !text.isTextual() || text.asText().isBlank()) {
      throw new RestError(422, 42201, "Empty schema");
    }
    try {
      return new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw new RestError(422, 42201, "Invalid schema " + abbreviate(text.asText()) + ", details: " + e.getMessage());
    }
  }

  private static JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new RestError(413, 413, "request body larger than " + MAX_BODY_BYTES + " bytes");
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new RestError(400, 400, "request body is not a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new RestError(400, 400, "request body is not JSON: " + e.getOriginalMessage());
    }
  }

  private static int parseId(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new RestError(404, 40403, "Schema " + s + " not found");
    }
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    if (rawPath == null) {
      return out;
    }
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Answer error(int status, int code, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error_code", code);
    n.put("message", message);
    return new Answer(status, n.toString());
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static String hostLiteral(InetAddress address) {
    String host = address.getHostAddress();
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }
}

package dev.foreshock.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Confluent Schema Registry REST API on {@code java.net.http}: registers with
 * {@code POST /subjects/{subject}/versions} and looks up with {@code GET /schemas/ids/{id}}, so it
 * works with Confluent's registry, Karapace, Redpanda, Apicurio's ccompat API and Foreshock's
 * embedded registry.
 *
 * <p>Caches (subject, schema) → id and id → schema for the life of the client, so a serde calls the
 * registry once per topic and once per writer schema. An id the registry does not know (HTTP 404,
 * error code 40403) is remembered for {@link #MISSING_ID_RETRY}, so a run of records with a foreign
 * id costs one request, not one per record, before they go to the dead-letter topic. Several URLs are tried in order when one
 * cannot be reached; an HTTP error answer is final. Every failure is a
 * {@link SchemaRegistryException} naming the URL, what was asked and what went wrong. Thread safe.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistry {

  /** The media type of the Confluent REST API, version 1. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
  private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long an id that the registry does not know is answered from memory. */
  public static final Duration MISSING_ID_RETRY = Duration.ofSeconds(10);

  private record SubjectSchema(String subject, String schema) { }

  /** One base URL with the Authorization header that goes with it (null: none). */
  private record Endpoint(URI base, String display, String authorization) { }

  private final List<Endpoint> endpoints;
  private final HttpClient http;
  private final Duration timeout;
  private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
  private final Map<Integer, Missing> missing = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  /** The registry's "not found" for an id, and until when it is answered from memory. */
  private record Missing(String message, long untilNanos) { }

  /** A client for the given settings; fails if they hold no URL or a TLS store cannot be read. */
  public HttpSchemaRegistryClient(RegistrySettings settings) {
    this(settings, System::nanoTime);
  }

  HttpSchemaRegistryClient(RegistrySettings settings, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    if (!settings.isConfigured()) {
      throw new SchemaRegistryException("no schema registry URL (" + RegistrySettings.URL + ") is set");
    }
    this.timeout = settings.timeout();
    List<Endpoint> list = new ArrayList<>();
    for (URI url : settings.urls()) {
      String userInfo = url.getRawUserInfo() != null
          ? URLDecoder.decode(url.getRawUserInfo(), StandardCharsets.UTF_8) : settings.basicAuthUserInfo();
      URI base = URI.create(RegistrySettings.redact(url));
      list.add(new Endpoint(base, base.toString(), userInfo == null ? null
          : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8))));
    }
    this.endpoints = List.copyOf(list);
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL);
    SSLContext ssl = TlsContexts.of(settings);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
  }

  @Override
  public int register(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema.toString());
    Integer cached = ids.get(key);
    if (cached != null) {
      return cached;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", key.schema());
    body.put("schemaType", "AVRO");
    String what = "registering a schema under subject " + subject;
    JsonNode answer = send("POST", "/subjects/" + segment(subject) + "/versions", body.toString(), what);
    JsonNode id = answer.get("id");
    if (id == null || !id.canConvertToInt()) {
      throw new SchemaRegistryException("schema registry answered without an id (" + what + "): " + abbreviate(answer.toString()));
    }
    ids.put(key, id.intValue());
    return id.intValue();
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemas.get(id);
    if (cached != null) {
      return cached;
    }
    Missing known = missing.get(id);
    if (known != null) {
      if (nanoTime.getAsLong() - known.untilNanos() < 0) {
        throw new UnusableSchemaException(known.message());
      }
      missing.remove(id, known);
    }
    String what = "looking up schema id " + id;
    JsonNode answer;
    try {
      answer = send("GET", "/schemas/ids/" + id, null, what);
    } catch (NotFound e) {
      missing.put(id, new Missing(e.getMessage(), nanoTime.getAsLong() + MISSING_ID_RETRY.toNanos()));
      throw e;
    }
    JsonNode type = answer.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equals(type.asText().toUpperCase(Locale.ROOT))) {
      throw new UnusableSchemaException("schema id " + id + " is a " + type.asText() + " schema, not Avro");
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException("schema registry answered without a schema (" + what + "): " + abbreviate(answer.toString()));
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw new UnusableSchemaException("schema id " + id + " is not a valid Avro schema: " + e.getMessage(), e);
    }
    Schema previous = schemas.putIfAbsent(id, schema);
    return previous != null ? previous : schema;
  }

  /** The subjects the registry knows ({@code GET /subjects}). */
  public List<String> subjects() {
    JsonNode answer = send("GET", "/subjects", null, "listing subjects");
    List<String> out = new ArrayList<>();
    answer.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The version numbers of {@code subject} ({@code GET /subjects/{subject}/versions}). */
  public List<Integer> versions(String subject) {
    JsonNode answer = send("GET", "/subjects/" + segment(subject) + "/versions", null, "listing versions of subject " + subject);
    List<Integer> out = new ArrayList<>();
    answer.forEach(n -> out.add(n.asInt()));
    return out;
  }

  private JsonNode send(String method, String path, String body, String what) {
    List<String> failures = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.base() + path))
          .timeout(timeout)
          .header("Accept", ACCEPT);
      if (endpoint.authorization() != null) {
        request.header("Authorization", endpoint.authorization());
      }
      if (body != null) {
        request.header("Content-Type", CONTENT_TYPE)
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      } else {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        String reason = reason(e);
        LOG.debug("schema registry at {} is unreachable ({}): {}", endpoint.display(), what, reason, e);
        failures.add(endpoint.display() + ": " + reason);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException("interrupted while " + what + " at schema registry " + endpoint.display(), e);
      }
      return answer(endpoint, response, what);
    }
    if (endpoints.size() == 1) {
      throw new SchemaRegistryException("schema registry at " + failures.get(0).replaceFirst(": ", " is unreachable: ")
          + " (" + what + ")");
    }
    throw new SchemaRegistryException("schema registry is unreachable at every URL: " + String.join("; ", failures)
        + " (" + what + ")");
  }

  private JsonNode answer(Endpoint endpoint, HttpResponse<String> response, String what) {
    int status = response.statusCode();
    String body = response.body() == null ? "" : response.body();
    JsonNode json = null;
    try {
      json = body.isBlank() ? null : JSON.readTree(body);
    } catch (IOException e) {
      // not JSON: reported below with the raw text
    }
    if (status / 100 == 2) {
      if (json == null) {
        throw new SchemaRegistryException("schema registry at " + endpoint.display() + " answered HTTP " + status
            + " with no JSON body (" + what + "): " + abbreviate(body));
      }
      return json;
    }
    StringBuilder message = new StringBuilder("schema registry at ").append(endpoint.display())
        .append(" answered HTTP ").append(status);
    if (json != null && json.has("error_code")) {
      message.append(", error_code ").append(json.get("error_code").asText());
    }
    if (json != null && json.has("message")) {
      message.append(": ").append(json.get("message").asText());
    } else if (!body.isBlank()) {
      message.append(": ").append(abbreviate(body));
    } else if (status == 401 || status == 403) {
      message.append(": not authorized (check ").append(RegistrySettings.BASIC_AUTH_USER_INFO).append(")");
    }
    message.append(" (").append(what).append(")");
    if (status == 404 && json != null && json.path("error_code").asInt() == 40403) {
      throw new NotFound(message.toString());
    }
    throw new SchemaRegistryException(message.toString());
  }

  /** The registry answered that the schema does not exist (error code 40403). */
  private static final class NotFound extends UnusableSchemaException {
    NotFound(String message) {
      super(message);
    }
  }

  private String reason(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "no connection within " + seconds(http.connectTimeout().orElse(timeout));
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + seconds(timeout);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof SSLException) {
        return "TLS failed: " + t.getMessage();
      }
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String s) {
    String oneLine = s.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
  }
}

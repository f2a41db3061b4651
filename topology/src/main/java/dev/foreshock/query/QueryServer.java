package dev.foreshock.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of the query API: routes GET requests to endpoints, renders their answers as
 * JSON, turns {@link ApiException} and {@link StateAccess.NotReadyException} into 4xx / 503 with
 * {@code Retry-After}, and forwards keyed requests to the instance that owns the key.
 */
public final class QueryServer implements AutoCloseable {

  /** Marks a request one instance forwarded to another, so it is answered locally. */
  static final String FORWARDED_HEADER = "X-Foreshock-Forwarded";
  /** Names the instance ({@code host:port}) whose stores gave the answer. */
  public static final String SERVED_BY_HEADER = "X-Foreshock-Served-By";
  /** Seconds a client should wait before asking again while a rebalance moves state. */
  static final int RETRY_AFTER_SECONDS = 2;
  private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);

  /** An endpoint: the object it returns is written as JSON; a {@link Raw} as is. */
  @FunctionalInterface
  public interface Endpoint {
    Object handle(ApiRequest request) throws IOException;
  }

  /**
   * An answer written as it is (a forwarded answer, the metrics text).
   *
   * @param servedBy the instance that answered (a forwarded answer's owner), or null for this one
   */
  public record Raw(int status, String contentType, byte[] body, String servedBy) {
    public Raw(int status, String contentType, byte[] body) {
      this(status, contentType, body, null);
    }
  }

  private record Route(Pattern pattern, List<String> names, Endpoint endpoint) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Route> routes = new ArrayList<>();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /** Binds {@code host:port} (port 0 = any free port); a port in use is a clear error. */
  public QueryServer(String host, int port) {
    try {
      this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (BindException e) {
      throw new IllegalStateException("cannot serve the query API on " + host + ":" + port
          + ": the port is in use (choose another with --query-port)", e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serve the query API on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "foreshock-query");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::dispatch);
  }

  /** Adds a GET route; {@code pattern} may hold {@code {name}} segments, e.g. {@code /api/v1/memory/{resource}}. */
  public QueryServer get(String pattern, Endpoint endpoint) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("\\{([a-zA-Z]+)}").matcher(pattern);
    StringBuilder regex = new StringBuilder();
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(pattern.substring(last, m.start()))).append("([^/]+)");
      names.add(m.group(1));
      last = m.end();
    }
    regex.append(Pattern.quote(pattern.substring(last)));
    routes.add(new Route(Pattern.compile(regex.toString()), names, endpoint));
    return this;
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://" + self();
  }

  /** This instance as other instances know it: {@code host:port}. */
  public String self() {
    return server.getAddress().getHostString() + ":" + port();
  }

  public ObjectMapper json() {
    return json;
  }

  /**
   * Answers {@code request} at the instance {@code hostPort} and returns its answer unchanged
   * (status and body).
   */
  public Raw forward(String hostPort, ApiRequest request) throws IOException {
    String uri = "http://" + hostPort + request.path()
        + (request.rawQuery() == null || request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery());
    HttpRequest forward = HttpRequest.newBuilder(URI.create(uri))
        .timeout(Duration.ofSeconds(10))
        .header(FORWARDED_HEADER, "true")
        .GET()
        .build();
    try {
      HttpResponse<byte[]> answer = client.send(forward, HttpResponse.BodyHandlers.ofByteArray());
      return new Raw(answer.statusCode(), answer.headers().firstValue("Content-Type").orElse("application/json"),
          answer.body(), answer.headers().firstValue(SERVED_BY_HEADER).orElse(hostPort));
    } catch (IOException e) {
      throw new StateAccess.NotReadyException("instance " + hostPort + " that owns this key does not answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + hostPort, e);
    }
  }

  /** Asks every other instance the same request and returns their JSON answers (lists merged by the caller). */
  public List<JsonNode> fanOut(StateAccess state, ApiRequest request) throws IOException {
    List<JsonNode> answers = new ArrayList<>();
    if (request.forwarded()) {
      return answers;
    }
    if (state.status() != StateAccess.Status.RUNNING) {
      // the membership and the partitions are moving: a merged list now could miss some
      throw new StateAccess.NotReadyException("the streams client is " + state.status());
    }
    for (String instance : state.otherInstances()) {
      Raw raw = forward(instance, request);
      if (raw.status() == 503) {
        throw new StateAccess.NotReadyException("instance " + instance + " is not ready");
      }
      if (raw.status() != 200) {
        throw new IOException("instance " + instance + " answered " + raw.status() + ": "
            + new String(raw.body(), StandardCharsets.UTF_8));
      }
      answers.add(json.readTree(raw.body()));
    }
    return answers;
  }

  /**
   * Forwards {@code request} to {@code owner} when that is another instance (and the request was
   * not itself forwarded); empty when it is to be answered here.
   */
  public Optional<Raw> forwardIfRemote(StateAccess.Owner owner, ApiRequest request) throws IOException {
    if (request.forwarded() || owner.local()) {
      return Optional.empty();
    }
    return Optional.of(forward(owner.remote(), request));
  }

  private void dispatch(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().add("Allow", "GET");
        writeJson(exchange, 405, error(405, "only GET is supported"));
        return;
      }
      for (Route route : routes) {
        Matcher m = route.pattern().matcher(path);
        if (!m.matches()) {
          continue;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < route.names().size(); i++) {
          params.put(route.names().get(i),
              java.net.URLDecoder.decode(m.group(i + 1), StandardCharsets.UTF_8));
        }
        String rawQuery = exchange.getRequestURI().getRawQuery();
        ApiRequest request = new ApiRequest(path, rawQuery, params, ApiRequest.parseQuery(rawQuery),
            exchange.getRequestHeaders().getFirst(FORWARDED_HEADER) != null);
        answer(exchange, route, request);
        return;
      }
      writeJson(exchange, 404, error(404, "no such path: " + path));
    }
  }

  private void answer(HttpExchange exchange, Route route, ApiRequest request) throws IOException {
    try {
      Object body = route.endpoint().handle(request);
      if (body instanceof Raw raw) {
        exchange.getResponseHeaders().set("Content-Type", raw.contentType());
        exchange.getResponseHeaders().set(SERVED_BY_HEADER, raw.servedBy() == null ? self() : raw.servedBy());
        if (raw.status() == 503) {
          exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        write(exchange, raw.status(), raw.body());
      } else {
        exchange.getResponseHeaders().set(SERVED_BY_HEADER, self());
        writeJson(exchange, 200, body);
      }
    } catch (ApiException e) {
      writeJson(exchange, e.status(), error(e.status(), e.getMessage()));
    } catch (StateAccess.NotReadyException | InvalidStateStoreException e) {
      // a store closed or migrated while being read is a rebalance too
      exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
      writeJson(exchange, 503, error(503, e.getMessage()));
    } catch (RuntimeException | IOException e) {
      LOG.warn("query {} failed", request.path(), e);
      writeJson(exchange, 500, error(500, e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  private static Map<String, Object> error(int status, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    m.put("error", message);
    return m;
  }

  private void writeJson(HttpExchange exchange, int status, Object body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    write(exchange, status, json.writeValueAsBytes(body));
  }

  private static void write(HttpExchange exchange, int status, byte[] body) throws IOException {
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

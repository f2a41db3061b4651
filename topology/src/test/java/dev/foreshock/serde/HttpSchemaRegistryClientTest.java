package dev.foreshock.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.embedded.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpSchemaRegistryClientTest {

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void shouldSayTheRegistryIsUnreachableWhenNothingListens() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistrySettings.of(url));

    assertThatThrownBy(() -> client.register("telemetry.memory-value", MemorySample.getClassSchema()))
        .isInstanceOf(SchemaRegistryException.class)
        .isNotInstanceOf(UnusableSchemaException.class)
        .hasMessage("schema registry at " + url + " is unreachable: connection refused"
            + " (registering a schema under subject telemetry.memory-value)");
    assertThatThrownBy(() -> client.schemaById(3))
        .hasMessage("schema registry at " + url + " is unreachable: connection refused (looking up schema id 3)");
  }

  @Test
  void shouldTryTheNextUrlWhenOneIsUnreachable() throws IOException {
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
    closeables.add(registry);
    String dead = "http://127.0.0.1:" + closedPort();
    HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistrySettings.of(dead + ", " + registry.url() + "/"));

    int id = client.register("telemetry.changes-value", ChangeEvent.getClassSchema());

    assertThat(registry.registry().schemaById(id)).isEqualTo(ChangeEvent.getClassSchema());
    assertThat(client.schemaById(id)).isEqualTo(ChangeEvent.getClassSchema());
  }

  @Test
  void shouldListEveryUrlWhenNoneIsReachable() throws IOException {
    String a = "http://127.0.0.1:" + closedPort();
    String b = "http://127.0.0.1:" + closedPort();
    HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistrySettings.of(a + "," + b));

    assertThatThrownBy(() -> client.schemaById(9))
        .hasMessage("schema registry is unreachable at every URL: " + a + ": connection refused; "
            + b + ": connection refused (looking up schema id 9)");
  }

  @Test
  void shouldGiveUpAfterTheRequestTimeoutWhenTheRegistryNeverAnswers() throws IOException {
    ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeables.add(silent);
    List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
    closeables.add(() -> {
      synchronized (accepted) {
        for (Socket socket : accepted) {
          socket.close();
        }
      }
    });
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          accepted.add(silent.accept());
        }
      } catch (IOException e) {
        // closed at the end of the test
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    String url = "http://127.0.0.1:" + silent.getLocalPort();
    RegistrySettings settings = RegistrySettings.of(url).withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300));

    assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings).schemaById(1))
        .hasMessage("schema registry at " + url + " is unreachable: no answer within 300ms (looking up schema id 1)");
  }

  @Test
  void shouldReportStatusErrorCodeAndMessageOfAnErrorAnswer() {
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
    closeables.add(registry);
    HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistrySettings.of(registry.url()));

    assertThatThrownBy(() -> client.schemaById(7))
        .isInstanceOf(UnusableSchemaException.class)
        .hasMessage("schema registry at " + registry.url()
            + " answered HTTP 404, error_code 40403: Schema 7 not found (looking up schema id 7)");
    assertThatThrownBy(() -> client.versions("telemetry.memory-value"))
        .hasMessage("schema registry at " + registry.url() + " answered HTTP 404, error_code 40401:"
            + " Subject 'telemetry.memory-value' not found. (listing versions of subject telemetry.memory-value)");
  }

  @Test
  void shouldReportAnAnswerThatIsNotJson() throws IOException {
    HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext("/", exchange -> {
      byte[] html = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(502, html.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(html);
      }
    });
    proxy.start();
    closeables.add(() -> proxy.stop(0));
    String url = "http://127.0.0.1:" + proxy.getAddress().getPort();

    assertThatThrownBy(() -> new HttpSchemaRegistryClient(RegistrySettings.of(url)).schemaById(2))
        .hasMessage("schema registry at " + url + " answered HTTP 502: <html><body>502 Bad Gateway</body></html>"
            + " (looking up schema id 2)");
  }

  @Test
  void shouldAskTheRegistryOncePerSchemaAndOncePerId() throws IOException {
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
    closeables.add(registry);
    AtomicInteger requests = new AtomicInteger();
    HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistrySettings.of(countingProxy(registry, requests)));

    int id = 0;
    for (int i = 0; i < 5; i++) {
      id = client.register("telemetry.memory-value", MemorySample.getClassSchema());
      client.schemaById(id);
    }

    assertThat(requests).hasValue(2);
    assertThat(client.schemaById(id)).isEqualTo(MemorySample.getClassSchema());
  }

  @Test
  void shouldRememberAnUnknownIdForAWhileAndAskAgainAfterwards() throws IOException {
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
    closeables.add(registry);
    AtomicInteger requests = new AtomicInteger();
    String url = countingProxy(registry, requests);
    long[] now = {1_000_000_000L};
    HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistrySettings.of(url), () -> now[0]);

    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(() -> client.schemaById(1))
          .isInstanceOf(UnusableSchemaException.class)
          .hasMessageContaining("error_code 40403: Schema 1 not found");
    }
    assertThat(requests).hasValue(1);
    int id = registry.registry().register("telemetry.memory-value", MemorySample.getClassSchema());
    now[0] += HttpSchemaRegistryClient.MISSING_ID_RETRY.toNanos() - 1;
    assertThatThrownBy(() -> client.schemaById(id)).hasMessageContaining("Schema 1 not found");
    now[0] += 1;

    assertThat(client.schemaById(id)).isEqualTo(MemorySample.getClassSchema());
    assertThat(requests).hasValue(2);
  }

  @Test
  void shouldMakeAnUnknownIdABadRecordButAnOutageARegistryErrorWhenDeserializing() throws IOException {
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
    closeables.add(registry);
    var deserializer = new AvroSerdes(new HttpSchemaRegistryClient(RegistrySettings.of(registry.url())))
        .valueSerde(MemorySample.class).deserializer();
    var unreachable = new AvroSerdes(new HttpSchemaRegistryClient(RegistrySettings.of("http://127.0.0.1:" + closedPort())))
        .valueSerde(MemorySample.class).deserializer();
    byte[] bytes = {0, 0, 0, 0, 4, 2, 2, 65, 0, 2, 0};

    assertThatThrownBy(() -> deserializer.deserialize("telemetry.memory", bytes))
        .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
        .hasMessage("cannot read MemorySample with schema id 4: schema registry at " + registry.url()
            + " answered HTTP 404, error_code 40403: Schema 4 not found (looking up schema id 4)");
    assertThatThrownBy(() -> unreachable.deserialize("telemetry.memory", bytes))
        .isExactlyInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("is unreachable: connection refused");
  }

  @Test
  void shouldReadRegistrySettingsWithTheirDefaults() {
    RegistrySettings defaults = RegistrySettings.from(SettingsSource.empty());
    assertThat(defaults.isConfigured()).isFalse();
    assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(5));

    RegistrySettings s = RegistrySettings.from(SettingsSource.of(Map.of(
        "schema.registry.url", "https://sr-1:8081, https://sr-2:8081/",
        "schema.registry.basic.auth.user.info", "svc:pa:ss",
        "schema.registry.ssl.truststore.location", "/etc/foreshock/trust.jks",
        "schema.registry.ssl.truststore.password", "changeit",
        "schema.registry.ssl.keystore.location", "/etc/foreshock/client.p12",
        "schema.registry.ssl.keystore.password", "secret",
        "schema.registry.timeout", "30s")));

    assertThat(s.urls()).containsExactly(URI.create("https://sr-1:8081"), URI.create("https://sr-2:8081"));
    assertThat(s.basicAuthUserInfo()).isEqualTo("svc:pa:ss");
    assertThat(s.trustStore().location()).isEqualTo(Path.of("/etc/foreshock/trust.jks"));
    assertThat(s.trustStore().type()).isEqualTo("JKS");
    assertThat(s.keyStore().type()).isEqualTo("PKCS12");
    assertThat(s.keyStore().password()).isEqualTo("secret");
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.toString()).doesNotContain("pa:ss").doesNotContain("changeit").doesNotContain("secret")
        .contains("svc:****");
  }

  @Test
  void shouldRejectMalformedRegistrySettingsNamingTheKey() {
    assertThatThrownBy(() -> RegistrySettings.from(SettingsSource.of(Map.of("schema.registry.url", "localhost:8081"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("schema.registry.url")
        .hasMessageContaining("localhost:8081");
    assertThatThrownBy(() -> RegistrySettings.from(SettingsSource.of(Map.of("schema.registry.basic.auth.user.info", "nopassword"))))
        .hasMessageContaining("schema.registry.basic.auth.user.info");
    assertThatThrownBy(() -> RegistrySettings.from(SettingsSource.of(Map.of(
        "schema.registry.ssl.truststore.location", "/x", "schema.registry.ssl.truststore.type", "PEM"))))
        .hasMessageContaining("schema.registry.ssl.truststore.type");
    assertThatThrownBy(() -> RegistrySettings.from(SettingsSource.of(Map.of("schema.registry.timeout", "0s"))))
        .hasMessageContaining("schema.registry.timeout");
    assertThatThrownBy(() -> SchemaRegistries.connect(RegistrySettings.from(SettingsSource.empty())))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("schema.registry.url");
  }

  @Test
  void shouldNameTheStoreFileThatCannotBeRead(@org.junit.jupiter.api.io.TempDir Path dir) {
    RegistrySettings settings = RegistrySettings.of("https://127.0.0.1:8081")
        .withTrustStore(new RegistrySettings.Store(dir.resolve("missing.p12"), null, "changeit", null));

    assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("schema.registry.ssl.truststore.location = " + dir.resolve("missing.p12"));
  }

  /** A server that counts requests and redirects them (307, method and body kept) to {@code registry}. */
  private String countingProxy(EmbeddedSchemaRegistry registry, AtomicInteger requests) throws IOException {
    HttpServer counting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    counting.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.getResponseHeaders().add("Location", registry.url() + exchange.getRequestURI());
      exchange.sendResponseHeaders(307, -1);
      exchange.close();
    });
    counting.start();
    closeables.add(() -> counting.stop(0));
    return "http://127.0.0.1:" + counting.getAddress().getPort();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

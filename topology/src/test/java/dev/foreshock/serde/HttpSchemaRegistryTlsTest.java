package dev.foreshock.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.foreshock.avro.RequestStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against an HTTPS registry (a stand-in answering {@code GET /schemas/ids/1}) whose
 * self-signed key pairs the JDK's {@code keytool} makes in a temporary directory: server trust, a
 * client certificate required by the server, and the failures when either is missing.
 */
class HttpSchemaRegistryTlsTest {

  private static final String PASSWORD = "changeit";

  @TempDir static Path dir;
  private static Path serverKeys;
  private static Path clientKeys;
  private static Path clientTrust;
  private static Path serverTrust;

  private HttpsServer server;

  @BeforeAll
  static void makeCertificates() throws Exception {
    serverKeys = dir.resolve("server.p12");
    clientKeys = dir.resolve("client.p12");
    clientTrust = dir.resolve("client-trust.p12");
    serverTrust = dir.resolve("server-trust.p12");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", serverKeys.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=foreshock",
        "-validity", "2", "-keystore", clientKeys.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    trustStore(serverKeys, "registry", clientTrust);
    trustStore(clientKeys, "client", serverTrust);
  }

  /** A PKCS12 trust store holding the certificate of {@code alias} in {@code keys}. */
  private static void trustStore(Path keys, String alias, Path out) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, PASSWORD.toCharArray());
    trust.setCertificateEntry(alias, load(keys).getCertificate(alias));
    try (OutputStream o = Files.newOutputStream(out)) {
      trust.store(o, PASSWORD.toCharArray());
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void shouldLookUpOverTlsWithTheConfiguredTrustStore() throws Exception {
    String url = startServer(false);
    RegistrySettings settings = RegistrySettings.of(url)
        .withTrustStore(new RegistrySettings.Store(clientTrust, null, PASSWORD, null));

    assertThat(new HttpSchemaRegistryClient(settings).schemaById(1)).isEqualTo(RequestStats.getClassSchema());
  }

  @Test
  void shouldPresentTheClientCertificateWhenTheRegistryRequiresOne() throws Exception {
    String url = startServer(true);
    RegistrySettings trustOnly = RegistrySettings.of(url)
        .withTrustStore(new RegistrySettings.Store(clientTrust, "PKCS12", PASSWORD, null));
    RegistrySettings mutual = trustOnly.withKeyStore(new RegistrySettings.Store(clientKeys, "PKCS12", PASSWORD, null));

    assertThat(new HttpSchemaRegistryClient(mutual).schemaById(1)).isEqualTo(RequestStats.getClassSchema());
    assertThatThrownBy(() -> new HttpSchemaRegistryClient(trustOnly).schemaById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageStartingWith("schema registry at " + url + " is unreachable: ");
  }

  @Test
  void shouldSayTlsFailedWhenTheServerCertificateIsNotTrusted() throws Exception {
    String url = startServer(false);

    assertThatThrownBy(() -> new HttpSchemaRegistryClient(RegistrySettings.of(url)).schemaById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageStartingWith("schema registry at " + url + " is unreachable: TLS failed: ")
        .hasMessageEndingWith("(looking up schema id 1)");
  }

  @Test
  void shouldSayTheStorePasswordIsWrong() {
    RegistrySettings settings = RegistrySettings.of("https://127.0.0.1:8081")
        .withTrustStore(new RegistrySettings.Store(clientTrust, null, "wrong", null));

    assertThatThrownBy(() -> new HttpSchemaRegistryClient(settings))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining(RegistrySettings.TRUSTSTORE_LOCATION + " = " + clientTrust)
        .hasMessageContaining("wrong password");
  }

  private String startServer(boolean needClientAuth) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(serverKeys), PASSWORD.toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(serverTrust));
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        var ssl = getSSLContext().getDefaultSSLParameters();
        ssl.setNeedClientAuth(needClientAuth);
        params.setSSLParameters(ssl);
      }
    });
    server.createContext("/schemas/ids/1", exchange -> {
      String body = "{\"schema\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(
          RequestStats.getClassSchema().toString()) + "}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  private static KeyStore load(Path file) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }
}

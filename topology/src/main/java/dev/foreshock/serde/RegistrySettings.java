package dev.foreshock.serde;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How to reach a Confluent-compatible schema registry, with the keys of Confluent's clients under
 * Foreshock's settings (flag {@code --set schema.registry.url=...}, environment variable
 * {@code FORESHOCK_SCHEMA_REGISTRY_URL}, or the properties file):
 *
 * <ul>
 *   <li>{@code schema.registry.url}: one or more comma-separated {@code http://} or {@code https://}
 *       URLs, tried in order (default: none, the runtime then starts the embedded registry);
 *   <li>{@code schema.registry.basic.auth.user.info}: {@code user:password} for HTTP basic auth
 *       (credentials in the URL, {@code http://user:password@host:8081}, work too);
 *   <li>{@code schema.registry.ssl.truststore.location}, {@code .password}, {@code .type} and
 *       {@code schema.registry.ssl.keystore.location}, {@code .password}, {@code .type},
 *       {@code schema.registry.ssl.key.password}: TLS trust and client certificate (type
 *       {@code PKCS12} or {@code JKS}; default from the file name, else PKCS12);
 *   <li>{@code schema.registry.timeout}: how long one request may take (default 10s);
 *   <li>{@code schema.registry.connect.timeout}: how long a connection may take (default 5s).
 * </ul>
 *
 * <p>{@link #toString()} hides passwords.
 */
public record RegistrySettings(
    List<URI> urls,
    String basicAuthUserInfo,
    Store trustStore,
    Store keyStore,
    Duration connectTimeout,
    Duration timeout) {

  public static final String URL = "schema.registry.url";
  public static final String BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
  public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
  public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
  public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
  public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";
  public static final String TIMEOUT = "schema.registry.timeout";
  public static final String CONNECT_TIMEOUT = "schema.registry.connect.timeout";

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * A key or trust store file.
   *
   * @param type {@code PKCS12} or {@code JKS}
   * @param password the store's password (may be null for a trust store)
   * @param keyPassword the private key's password, null = the store's (key stores only)
   */
  public record Store(Path location, String type, String password, String keyPassword) {
    public Store {
      Objects.requireNonNull(location, "location");
      type = type == null ? typeOf(location) : type.toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
      return "Store[location=" + location + ", type=" + type + ", password=" + (password == null ? "none" : "****")
          + (keyPassword == null ? "" : ", keyPassword=****") + "]";
    }

    private static String typeOf(Path location) {
      String name = location.getFileName().toString().toLowerCase(Locale.ROOT);
      return name.endsWith(".jks") ? "JKS" : "PKCS12";
    }
  }

  public RegistrySettings {
    urls = List.copyOf(urls);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(timeout, "timeout");
    if (basicAuthUserInfo != null && basicAuthUserInfo.indexOf(':') < 0) {
      throw new SettingsException(BASIC_AUTH_USER_INFO + " must be user:password");
    }
  }

  /** Plain settings for {@code urls} (comma-separated), default timeouts, no auth, no TLS stores. */
  public static RegistrySettings of(String urls) {
    return new RegistrySettings(parseUrls(urls), null, null, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT);
  }

  /** Reads the {@code schema.registry.*} keys; says which key is wrong. */
  public static RegistrySettings from(SettingsSource s) {
    String urls = s.string(URL, null);
    String userInfo = s.string(BASIC_AUTH_USER_INFO, null);
    if (userInfo != null && userInfo.indexOf(':') < 0) {
      throw new SettingsException(BASIC_AUTH_USER_INFO + " must be user:password (the value has no ':')");
    }
    Store trust = store(s, TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD, null);
    Store key = store(s, KEYSTORE_LOCATION, KEYSTORE_TYPE, KEYSTORE_PASSWORD, KEY_PASSWORD);
    Duration timeout = s.duration(TIMEOUT, DEFAULT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(10));
    Duration connect = s.duration(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(10));
    return new RegistrySettings(urls == null ? List.of() : parseUrls(urls), userInfo, trust, key, connect, timeout);
  }

  /** True if at least one URL is set (otherwise the runtime uses its embedded registry). */
  public boolean isConfigured() {
    return !urls.isEmpty();
  }

  public RegistrySettings withUrls(String urls) {
    return new RegistrySettings(parseUrls(urls), basicAuthUserInfo, trustStore, keyStore, connectTimeout, timeout);
  }

  public RegistrySettings withBasicAuth(String userInfo) {
    return new RegistrySettings(urls, userInfo, trustStore, keyStore, connectTimeout, timeout);
  }

  public RegistrySettings withTrustStore(Store store) {
    return new RegistrySettings(urls, basicAuthUserInfo, store, keyStore, connectTimeout, timeout);
  }

  public RegistrySettings withKeyStore(Store store) {
    return new RegistrySettings(urls, basicAuthUserInfo, trustStore, store, connectTimeout, timeout);
  }

  public RegistrySettings withTimeouts(Duration connect, Duration request) {
    return new RegistrySettings(urls, basicAuthUserInfo, trustStore, keyStore, connect, request);
  }

  @Override
  public String toString() {
    return "RegistrySettings[urls=" + urls.stream().map(RegistrySettings::redact).toList()
        + ", basicAuth=" + (basicAuthUserInfo == null ? "none" : basicAuthUserInfo.substring(0, basicAuthUserInfo.indexOf(':')) + ":****")
        + ", trustStore=" + trustStore + ", keyStore=" + keyStore
        + ", connectTimeout=" + connectTimeout + ", timeout=" + timeout + "]";
  }

  /** The URL without credentials, for messages and logs. */
  static String redact(URI url) {
    if (url.getRawUserInfo() == null) {
      return url.toString();
    }
    return url.toString().replace(url.getRawUserInfo() + "@", "");
  }

  private static Store store(SettingsSource s, String locationKey, String typeKey, String passwordKey, String keyPasswordKey) {
    String location = s.string(locationKey, null);
    String type = s.string(typeKey, null);
    String password = s.string(passwordKey, null);
    String keyPassword = keyPasswordKey == null ? null : s.string(keyPasswordKey, null);
    if (location == null) {
      return null;
    }
    if (type != null && !type.equalsIgnoreCase("PKCS12") && !type.equalsIgnoreCase("JKS")) {
      throw new SettingsException(typeKey + " = '" + type + "' is not PKCS12 or JKS");
    }
    return new Store(Path.of(location), type, password, keyPassword);
  }

  private static List<URI> parseUrls(String urls) {
    List<URI> out = new ArrayList<>();
    for (String part : urls.split(",")) {
      String u = part.trim();
      if (u.isEmpty()) {
        continue;
      }
      URI uri;
      try {
        uri = new URI(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
      } catch (URISyntaxException e) {
        throw new SettingsException(URL + ": '" + u + "' is not a URL (" + e.getReason() + ")");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new SettingsException(URL + ": '" + redact(uri) + "' is not an http:// or https:// URL with a host");
      }
      out.add(uri);
    }
    if (out.isEmpty()) {
      throw new SettingsException(URL + ": no URL in '" + urls + "'");
    }
    return out;
  }
}

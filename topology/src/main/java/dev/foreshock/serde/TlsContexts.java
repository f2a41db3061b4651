package dev.foreshock.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the {@link SSLContext} of the registry client from its trust and key store settings. */
final class TlsContexts {

  private TlsContexts() { }

  /** The context for the settings' stores, or null when neither is set (the JDK's default trust). */
  static SSLContext of(RegistrySettings settings) {
    RegistrySettings.Store trust = settings.trustStore();
    RegistrySettings.Store key = settings.keyStore();
    if (trust == null && key == null) {
      return null;
    }
    try {
      TrustManagerFactory tmf = null;
      if (trust != null) {
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trust, RegistrySettings.TRUSTSTORE_LOCATION));
      }
      KeyManagerFactory kmf = null;
      if (key != null) {
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        String keyPassword = key.keyPassword() != null ? key.keyPassword() : key.password();
        kmf.init(load(key, RegistrySettings.KEYSTORE_LOCATION), chars(keyPassword));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new SchemaRegistryException("cannot set up TLS for the schema registry: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(RegistrySettings.Store store, String key) {
    try (InputStream in = Files.newInputStream(store.location())) {
      KeyStore ks = KeyStore.getInstance(store.type());
      ks.load(in, chars(store.password()));
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      String cause = e.getCause() instanceof java.security.UnrecoverableKeyException
          ? "wrong password" : e.getClass().getSimpleName() + ": " + e.getMessage();
      throw new SchemaRegistryException(key + " = " + store.location() + ": cannot read the "
          + store.type() + " store (" + cause + ")", e);
    }
  }

  private static char[] chars(String password) {
    return password == null ? null : password.toCharArray();
  }
}

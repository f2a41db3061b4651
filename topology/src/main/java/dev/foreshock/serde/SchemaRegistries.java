package dev.foreshock.serde;

/** Makes the {@link SchemaRegistry} that settings describe. */
public final class SchemaRegistries {

  private SchemaRegistries() { }

  /**
   * A caching HTTP client of the registry at {@code settings.urls()}; no request is sent until the
   * first register or look-up.
   *
   * @throws SchemaRegistryException if no URL is set or a TLS store cannot be read
   */
  public static SchemaRegistry connect(RegistrySettings settings) {
    return new HttpSchemaRegistryClient(settings);
  }

  /** A registry in memory, with no HTTP (unit tests, offline backtests). */
  public static InMemorySchemaRegistry inMemory() {
    return new InMemorySchemaRegistry();
  }
}

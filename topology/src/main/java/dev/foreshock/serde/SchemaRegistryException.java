package dev.foreshock.serde;

/** The registry could not be reached, or answered with an error; the message says which and where. */
public class SchemaRegistryException extends RuntimeException {

  public SchemaRegistryException(String message) {
    super(message);
  }

  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.foreshock.serde;

/**
 * The registry answered, and the schema id cannot be used: no such id (Confluent error code 40403),
 * not an Avro schema, or not a valid one. Permanent for the record that carries the id, unlike the
 * other {@link SchemaRegistryException}s (unreachable, timed out, HTTP 5xx, not authorized), which
 * say nothing about the record and may pass.
 */
public class UnusableSchemaException extends SchemaRegistryException {

  public UnusableSchemaException(String message) {
    super(message);
  }

  public UnusableSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.foreshock.embedded;

/** The embedded broker or registry could not start or stop; the message names the address or directory. */
public class EmbeddedKafkaException extends RuntimeException {

  public EmbeddedKafkaException(String message) {
    super(message);
  }

  public EmbeddedKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}

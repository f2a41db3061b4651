package dev.foreshock.runtime;

/** Topics could not be created, or existing ones do not fit; the message lists every problem. */
public class TopicAdminException extends RuntimeException {

  public TopicAdminException(String message) {
    super(message);
  }

  public TopicAdminException(String message, Throwable cause) {
    super(message, cause);
  }
}

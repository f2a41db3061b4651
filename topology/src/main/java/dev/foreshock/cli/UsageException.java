package dev.foreshock.cli;

/** The command line or an input it names is unusable (exit status 2); the message says what and where. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}

package dev.foreshock.config;

/** A setting is missing, malformed or out of range; the message names the key and the source. */
public final class SettingsException extends RuntimeException {
  public SettingsException(String message) {
    super(message);
  }
}

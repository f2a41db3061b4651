package dev.foreshock.json;

/** One JSON line could not be read; the message says why (the caller adds file and line number). */
public final class JsonLineException extends Exception {
  public JsonLineException(String message) {
    super(message);
  }
}

package dev.foreshock.score;

/** A label file that cannot be read or does not follow contract section 4; the message names the file. */
public final class LabelsException extends RuntimeException {

  public LabelsException(String message) {
    super(message);
  }

  public LabelsException(String message, Throwable cause) {
    super(message, cause);
  }
}

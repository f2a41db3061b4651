package dev.foreshock.cli;

/** The exit statuses of contract section 5. */
final class ExitStatus {

  /** Done. */
  static final int OK = 0;
  /** Any failure that is not the user's input. */
  static final int FAILURE = 1;
  /** Bad usage or unreadable input (the message names the file and line). */
  static final int USAGE = 2;

  private ExitStatus() {}
}

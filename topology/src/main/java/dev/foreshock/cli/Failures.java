package dev.foreshock.cli;

import dev.foreshock.config.SettingsException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception that escapes a command into a message and an exit status: a bad setting or
 * unreadable input is a usage problem (2), anything else a failure (1). The stack trace goes to
 * the log at debug level ({@code FORESHOCK_LOG_LEVEL=DEBUG}), not to the user.
 */
final class Failures implements IExecutionExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    PrintWriter err = cli.getErr();
    String command = cli.getCommandSpec().qualifiedName();
    if (e instanceof SettingsException || e instanceof UsageException) {
      err.println(command + ": " + e.getMessage());
      err.flush();
      return ExitStatus.USAGE;
    }
    log.debug("{} failed", command, e);
    err.println(command + ": failed: " + describe(e));
    err.flush();
    return ExitStatus.FAILURE;
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }
}

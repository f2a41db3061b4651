package dev.foreshock.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code foreshock} command: parses the command line and hands over to one subcommand, which
 * reads its settings, builds what it runs, starts it and stops it. Exit status (contract section
 * 5): 0 done; 2 bad usage or unreadable input, with a message naming the file and line; 1 any
 * other failure.
 */
@Command(
    name = "foreshock",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Finds the telemetry patterns that came before real outages and emits incident candidates.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run 'foreshock COMMAND --help' for a command's options.",
        "Exit status: 0 done; 2 bad usage or unreadable input; 1 any other failure."})
public final class Main implements Runnable {

  /**
   * The subcommands, in the order {@code --help} lists them. Register a command here only when it
   * works end to end ({@code run}, {@code produce}, {@code demo}, {@code bench} are added by their
   * own branches).
   */
  static final List<Supplier<Object>> COMMANDS = List.of(
      BacktestCommand::new,
      SimulateCommand::new,
      EvaluateCommand::new,
      RunCommand::new,
      ProduceCommand::new,
      DemoCommand::new,
      QueryCommand::new,
      BenchCommand::new);

  private final Map<String, String> environment;

  @Spec private CommandSpec spec;

  Main(Map<String, String> environment) {
    this.environment = environment;
  }

  /** The process environment (or a test's), for {@code FORESHOCK_*} settings. */
  Map<String, String> environment() {
    return environment;
  }

  @Override
  public void run() {
    // "foreshock" alone: show what there is to run.
    throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
    int status = execute(args, out, System.err, System.getenv());
    out.flush();
    System.exit(status);
  }

  /** Runs one command line with the given streams and environment; returns the exit status. */
  static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
    PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
    PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
    CommandLine cli = commandLine(environment);
    cli.setOut(outWriter);
    cli.setErr(errWriter);
    try {
      return cli.execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  static CommandLine commandLine(Map<String, String> environment) {
    CommandLine cli = new CommandLine(new Main(environment));
    // picocli keeps option values in the command objects: new ones for every command line.
    for (Supplier<Object> command : COMMANDS) {
      cli.addSubcommand(command.get());
    }
    // --version on every command answers the same, whatever the command declares.
    cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new Version()));
    cli.setExecutionExceptionHandler(new Failures());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  /** The version of the jar (from its manifest), or "development build" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"foreshock " + (v == null ? "development build" : v),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
  }
}

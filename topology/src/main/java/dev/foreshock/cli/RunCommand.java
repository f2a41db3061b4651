package dev.foreshock.cli;

import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.runtime.ForeshockRuntime;
import dev.foreshock.runtime.KafkaClientProperties;
import dev.foreshock.runtime.RuntimeSettings;
import dev.foreshock.serde.RegistrySettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code foreshock run}: the streams application against a cluster, or, without
 * {@code --bootstrap-servers}, against an embedded broker and schema registry that keep their data
 * under {@code --data-dir}. Runs until SIGTERM or Ctrl-C, then stops gracefully.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Runs the topologies. Without --bootstrap-servers it starts an embedded single-node Kafka broker "
            + "(KRaft) and schema registry first, with their data under --data-dir, so that a restart resumes.",
        "Creates the topics that are missing and checks the ones that exist. Stops cleanly on Ctrl-C or SIGTERM."},
    footer = {"", "Kafka client properties (SASL, SSL, ...) pass through from KAFKA_* environment variables "
        + "(KAFKA_SASL_MECHANISM=PLAIN) and kafka.-prefixed keys in --config or --set (kafka.security.protocol=SASL_SSL).",
        "Exit status: 0 stopped on request; 2 bad usage or settings; 1 any other failure."})
final class RunCommand implements Callable<Integer> {

  @ParentCommand private Main main;
  @Spec private CommandSpec spec;
  @Mixin private SettingsOptions settingsOptions;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "The Kafka cluster (setting bootstrap.servers); default: start the embedded broker.")
  private String bootstrapServers;

  @Option(names = "--schema-registry", paramLabel = "URL",
      description = "The schema registry (setting schema.registry.url); required with --bootstrap-servers, "
          + "default: the embedded registry.")
  private String schemaRegistry;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the embedded broker, the registry and the streams state keep their data "
          + "(setting data.dir; default ./foreshock-data).")
  private Path dataDir;

  @Option(names = "--broker-port", paramLabel = "PORT",
      description = "The embedded broker's port (setting embedded.broker.port; default 9092).")
  private Integer brokerPort;

  @Option(names = "--registry-port", paramLabel = "PORT",
      description = "The embedded registry's port (setting embedded.registry.port; default 8081).")
  private Integer registryPort;

  @Option(names = "--query-port", paramLabel = "PORT",
      description = "The query API's port (setting query.port; default 8080).")
  private Integer queryPort;

  @Override
  public Integer call() throws InterruptedException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Loaded loaded = load(settingsOptions, main, bootstrapServers, schemaRegistry, dataDir, brokerPort, registryPort,
        queryPort, err);
    RuntimeSettings settings = loaded.runtime();

    PipelineMetrics metrics = new PipelineMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    err.println("foreshock run: starting" + (settings.embedded() ? " the embedded broker and registry in "
        + settings.dataDir() : " against " + settings.bootstrapServers()) + "...");
    err.flush();
    ForeshockRuntime runtime = ForeshockRuntime.start(settings, loaded.registry(), loaded.topology(), metrics,
        Clock.systemUTC());
    AtomicBoolean stopping = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      if (stopping.compareAndSet(false, true)) {
        err.println("foreshock run: stopping...");
        err.flush();
        runtime.close();
        err.println("foreshock run: stopped");
        err.flush();
      }
    }, "foreshock-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    printWhere(out, runtime);
    while (!runtime.app().awaitStop(Duration.ofSeconds(1))) {
      // until Ctrl-C, SIGTERM, or the streams client shuts down after a fatal error
    }
    if (stopping.compareAndSet(false, true)) {
      // stopped by itself (fatal error): stop the rest now, the hook has nothing left to do
      Runtime.getRuntime().removeShutdownHook(hook);
      runtime.close();
    }
    Throwable fatal = runtime.app().fatalError();
    if (fatal != null) {
      err.println("foreshock run: the streams application stopped after an error: " + fatal.getMessage());
      err.flush();
      return ExitStatus.FAILURE;
    }
    return ExitStatus.OK;
  }

  static void printWhere(PrintWriter out, ForeshockRuntime runtime) {
    RuntimeSettings s = runtime.settings();
    out.println("Foreshock is running" + (runtime.embedded() ? " (embedded broker and registry)" : "") + ":");
    out.println("  Kafka broker     " + s.bootstrapServers());
    out.println("  schema registry  " + runtime.registryUrl());
    out.println("  query API        http://" + s.queryHost() + ":" + s.queryPort());
    out.println("  data             " + s.dataDir() + (runtime.embedded() ? "" : " (streams state in " + s.stateDir() + ")"));
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }

  /** The settings of {@code run} and {@code demo}, read and validated once. */
  record Loaded(RuntimeSettings runtime, RegistrySettings registry, ForeshockSettings topology) {}

  static Loaded load(SettingsOptions options, Main main, String bootstrapServers, String schemaRegistry, Path dataDir,
      Integer brokerPort, Integer registryPort, Integer queryPort, PrintWriter err) throws IOException {
    putIfSet(options, "bootstrap.servers", bootstrapServers);
    putIfSet(options, "schema.registry.url", schemaRegistry);
    putIfSet(options, "data.dir", dataDir == null ? null : dataDir.toString());
    putIfSet(options, "embedded.broker.port", brokerPort == null ? null : brokerPort.toString());
    putIfSet(options, "embedded.registry.port", registryPort == null ? null : registryPort.toString());
    putIfSet(options, "query.port", queryPort == null ? null : queryPort.toString());
    SettingsSource source = options.source(main.environment());
    RuntimeSettings runtime = RuntimeSettings.from(source, KafkaClientProperties.collect(source, main.environment()));
    RegistrySettings registry = RegistrySettings.from(source);
    ForeshockSettings topology = ForeshockSettings.from(source);
    SettingsOptions.warnUnknown(source, err);
    if (!runtime.embedded() && !registry.isConfigured()) {
      throw new UsageException("--schema-registry URL is required with --bootstrap-servers "
          + "(the embedded registry only runs with the embedded broker)");
    }
    if (runtime.embedded()) {
      // the broker and the test kit write temporary files: keep them with the data
      Path tmp = runtime.dataDir().resolve("tmp");
      Files.createDirectories(tmp);
      System.setProperty("java.io.tmpdir", tmp.toString());
    }
    return new Loaded(runtime, registry, topology);
  }

  private static void putIfSet(SettingsOptions options, String key, String value) {
    if (value != null) {
      options.set.put(key, value);
    }
  }
}

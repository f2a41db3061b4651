package dev.foreshock.cli;

import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.ingest.Validation;
import dev.foreshock.runtime.ForeshockRuntime;
import dev.foreshock.runtime.KafkaClientProperties;
import dev.foreshock.runtime.RuntimeSettings;
import dev.foreshock.runtime.TelemetryProducer;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.RegistrySettings;
import dev.foreshock.serde.SchemaRegistries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code foreshock produce --input F.jsonl}: publishes a recorded or simulated telemetry file to
 * the telemetry topics as a real producer would (contract section 5).
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Publishes a JSON-lines telemetry file to the telemetry topics with the Avro serde (Confluent wire "
            + "format), keyed as the contract says, with the event time as the Kafka timestamp; as fast as "
            + "possible or at --rate events/s.",
        "Without --bootstrap-servers it talks to the embedded defaults of 'foreshock run' "
            + "(127.0.0.1:9092 and http://127.0.0.1:8081). Creates the topics if they are missing.",
        "Bad lines are reported on stderr as file:line: reason and skipped; progress every 2 s and a final count "
            + "go to stderr."},
    footer = {"", "Exit status: 0 done; 2 the input cannot be read, or some lines were rejected (reported, "
        + "skipped, everything else sent); 1 any other failure (no broker, no registry)."})
final class ProduceCommand implements Callable<Integer> {

  @ParentCommand private Main main;
  @Spec private CommandSpec spec;
  @Mixin private SettingsOptions settingsOptions;

  @Option(names = "--input", required = true, paramLabel = "FILE.jsonl",
      description = "Telemetry as JSON lines (contract section 2).")
  private Path input;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "The Kafka cluster (default " + RuntimeSettings.DEFAULT_BOOTSTRAP + ", the embedded broker of 'run').")
  private String bootstrapServers;

  @Option(names = "--schema-registry", paramLabel = "URL",
      description = "The schema registry (default " + RuntimeSettings.DEFAULT_REGISTRY + ", the embedded one of 'run').")
  private String schemaRegistry;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
      description = "Events per second; 0 (default) as fast as possible.")
  private int rate;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (rate < 0) {
      throw new UsageException("--rate " + rate + ": must be 0 (as fast as possible) or more");
    }
    if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
      throw new UsageException(input + ": " + (Files.exists(input) ? "not a readable file" : "no such file"));
    }
    settingsOptions.set.put("bootstrap.servers", bootstrapServers != null ? bootstrapServers
        : settingsOptions.set.getOrDefault("bootstrap.servers", RuntimeSettings.DEFAULT_BOOTSTRAP));
    if (schemaRegistry != null) {
      settingsOptions.set.put("schema.registry.url", schemaRegistry);
    }
    SettingsSource source = settingsOptions.source(main.environment());
    RuntimeSettings settings = RuntimeSettings.from(source, KafkaClientProperties.collect(source, main.environment()));
    RegistrySettings registry = RegistrySettings.from(source);
    if (!registry.isConfigured()) {
      registry = registry.withUrls(RuntimeSettings.DEFAULT_REGISTRY);
    }
    ForeshockSettings topology = ForeshockSettings.from(source);
    SettingsOptions.warnUnknown(source, err);

    requireBroker(settings);
    ForeshockRuntime.ensureTopics(settings);
    try (TelemetryProducer producer = new TelemetryProducer(settings.bootstrapServers(), settings.kafka(),
        new AvroSerdes(SchemaRegistries.connect(registry)), new Validation(topology.ingest()), Clock.systemUTC())) {
      TelemetryProducer.Result result;
      try {
        result = producer.publish(input, rate, message -> {
          err.println(message);
          err.flush();
        });
      } catch (IOException e) {
        throw new UsageException(input + ": cannot read: " + e.getMessage());
      }
      double seconds = result.elapsed().toNanos() / 1e9;
      err.println(String.format(Locale.ROOT, "produced %,d records from %s to %s in %.1f s (%,.0f/s)%s",
          result.sent(), input, settings.bootstrapServers(), seconds, result.sent() / Math.max(seconds, 1e-9),
          result.rejected() == 0 ? "" : "; " + result.rejected() + " line" + (result.rejected() == 1 ? "" : "s")
              + " rejected (reported above), exit status 2"));
      err.flush();
      return result.rejected() == 0 ? ExitStatus.OK : ExitStatus.USAGE;
    }
  }

  private static void requireBroker(RuntimeSettings settings) {
    Map<String, Object> props = new HashMap<>(settings.kafka());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster().clusterId().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("no Kafka broker answers at " + settings.bootstrapServers()
          + (RuntimeSettings.DEFAULT_BOOTSTRAP.equals(settings.bootstrapServers())
              ? " (start 'foreshock run' in another terminal, or give --bootstrap-servers)" : ""), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to " + settings.bootstrapServers(), e);
    }
  }
}

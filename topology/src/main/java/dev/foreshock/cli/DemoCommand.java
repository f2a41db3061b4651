package dev.foreshock.cli;

import dev.foreshock.Topics;
import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.ingest.Validation;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.runtime.ForeshockRuntime;
import dev.foreshock.runtime.TelemetryProducer;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.simulate.SideBySide;
import dev.foreshock.simulate.SimulatedScenario;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code foreshock demo}: the embedded stack, the four seed incidents and a quiet baseline
 * replayed into the telemetry topics by a real producer, and the candidates printed as they
 * appear, until Ctrl-C.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Starts the embedded Kafka broker and schema registry and the topologies, replays the four seed "
            + "incidents (rapid Redis memory rise, synchronized pool recycling, pool stall after maintenance, "
            + "slow memory leak) and a quiet baseline into the telemetry topics with a real producer, as fast "
            + "as it can (event time is compressed, not waited for), and prints each incident candidate as it "
            + "appears. Ctrl-C stops everything.",
        "The demo keeps its data in a fresh directory under --data-dir (default ./foreshock-data/demo), "
            + "removed at the next demo."},
    footer = {"", "Exit status: 2 bad usage; 1 any failure (a port in use, ...); after Ctrl-C or SIGTERM the JVM exits with 130 or 143 once everything has stopped."})
final class DemoCommand implements Callable<Integer> {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  @ParentCommand private Main main;
  @Spec private CommandSpec spec;
  @Mixin private SettingsOptions settingsOptions;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the demo's broker, registry and state live (under DIR/demo; default ./foreshock-data).")
  private Path dataDir;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "7",
      description = "Seed of the scenario generator (default 7).")
  private long seed;

  @Option(names = "--broker-port", paramLabel = "PORT", description = "The embedded broker's port (default 9092).")
  private Integer brokerPort;

  @Option(names = "--registry-port", paramLabel = "PORT", description = "The embedded registry's port (default 8081).")
  private Integer registryPort;

  @Option(names = "--query-port", paramLabel = "PORT", description = "The query API's port (default 8080).")
  private Integer queryPort;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path base = (dataDir == null ? Path.of("foreshock-data") : dataDir).resolve("demo").toAbsolutePath();
    deleteRecursively(base);
    Files.createDirectories(base);
    RunCommand.Loaded loaded = RunCommand.load(settingsOptions, main, null, null, base, brokerPort, registryPort,
        queryPort, err);
    if (!loaded.runtime().embedded()) {
      throw new UsageException("demo runs its own embedded broker: drop bootstrap.servers");
    }

    err.println("foreshock demo: generating the scenarios (seed " + seed + ")...");
    err.flush();
    List<SimulatedScenario> replay = timeline(seed, Clock.systemUTC().instant());

    ForeshockRuntime runtime = ForeshockRuntime.start(loaded.runtime(), loaded.registry(), loaded.topology(),
        new PipelineMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), Clock.systemUTC());
    AtomicBoolean stopping = new AtomicBoolean();
    KafkaConsumer<String, IncidentCandidate> consumer = candidateConsumer(runtime);
    java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopping.set(true);
      consumer.wakeup();
      try {
        // the main thread stops everything; the JVM must not exit before it has
        closed.await(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "foreshock-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      RunCommand.printWhere(out, runtime);
      Thread producing = new Thread(() -> produce(runtime, loaded, replay, err), "foreshock-demo-producer");
      producing.setDaemon(true);
      producing.start();
      printCandidates(consumer, out, stopping, runtime);
    } finally {
      consumer.close(Duration.ofSeconds(5));
      err.println("foreshock demo: stopping...");
      err.flush();
      runtime.close();
      err.println("foreshock demo: stopped");
      err.flush();
      closed.countDown();
      if (!stopping.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
    Throwable fatal = runtime.app().fatalError();
    return fatal == null ? ExitStatus.OK : ExitStatus.FAILURE;
  }

  /**
   * The seed incidents and the quiet baseline side by side: every scenario ends at the same
   * instant, a day before {@code now} (old enough that no wall-clock silence check takes the replay
   * for live telemetry that stopped, recent enough to look like last week's). Replayed one after
   * another instead, the services of a finished scenario would fall silent while the next one
   * runs, and the gap detector would rightly flag them.
   */
  static List<SimulatedScenario> timeline(long seed, Instant now) {
    return SideBySide.endingAt(SideBySide.DEMO, seed, now.minus(Duration.ofDays(1)));
  }

  /**
   * The records of all scenarios merged by event time, each scenario's own order kept (it holds
   * the small out-of-order shuffles of real producers).
   */
  static List<SpecificRecord> sideBySide(List<SimulatedScenario> scenarios) {
    return SideBySide.merge(scenarios);
  }

  private static void produce(ForeshockRuntime runtime, RunCommand.Loaded loaded, List<SimulatedScenario> replay,
      PrintWriter err) {
    try (TelemetryProducer producer = new TelemetryProducer(runtime.bootstrapServers(), runtime.settings().kafka(),
        new AvroSerdes(runtime.registry()), new Validation(loaded.topology().ingest()), Clock.systemUTC())) {
      long started = System.nanoTime();
      long sent = producer.publish(sideBySide(replay));
      long from = replay.stream().mapToLong(SimulatedScenario::startMs).min().orElse(0);
      long to = replay.stream().mapToLong(SimulatedScenario::endMs).max().orElse(0);
      synchronized (err) {
        err.printf(Locale.ROOT, "foreshock demo: replayed %s side by side (%s to %s, %,d records) in %.1f s%n",
            replay.stream().map(SimulatedScenario::name).toList(), TIME.format(Instant.ofEpochMilli(from)),
            TIME.format(Instant.ofEpochMilli(to)), sent, (System.nanoTime() - started) / 1e9);
        err.println("foreshock demo: replay done; candidates keep appearing as the pipeline catches up. Ctrl-C to stop.");
        err.flush();
      }
    } catch (RuntimeException e) {
      synchronized (err) {
        err.println("foreshock demo: the replay failed: " + e.getMessage());
        err.flush();
      }
    }
  }

  private static KafkaConsumer<String, IncidentCandidate> candidateConsumer(ForeshockRuntime runtime) {
    Map<String, Object> props = new java.util.HashMap<>(runtime.settings().kafka());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "foreshock-demo-printer");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Topics topics = new Topics(new AvroSerdes(runtime.registry()));
    KafkaConsumer<String, IncidentCandidate> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        topics.candidates().valueSerde().deserializer());
    consumer.subscribe(List.of(Topics.CANDIDATES));
    return consumer;
  }

  private static void printCandidates(KafkaConsumer<String, IncidentCandidate> consumer, PrintWriter out,
      AtomicBoolean stopping, ForeshockRuntime runtime) throws InterruptedException {
    try {
      while (!stopping.get() && !runtime.app().awaitStop(Duration.ZERO)) {
        for (ConsumerRecord<String, IncidentCandidate> r : consumer.poll(Duration.ofMillis(500))) {
          out.println(format(r.value()));
          out.flush();
        }
      }
    } catch (WakeupException e) {
      // Ctrl-C
    }
  }

  /** One candidate as a person on call reads it. */
  static String format(IncidentCandidate c) {
    StringBuilder line = new StringBuilder();
    line.append(TIME.format(Instant.ofEpochMilli(c.getTs()))).append("  ")
        .append(String.format(Locale.ROOT, "%-8s %-8s %-29s %s", c.getStatus(), c.getSeverity(), c.getType(),
            c.getSubject()));
    if (c.getStatus() != CandidateStatus.RESOLVED) {
      line.append("\n    ").append(c.getSummary());
      if (!c.getProbableCauses().isEmpty()) {
        line.append("\n    probable cause: ").append(c.getProbableCauses().get(0));
      }
    }
    return line.toString();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

package dev.foreshock.runtime;

import dev.foreshock.Topics;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The streams application in a JVM of its own, so that a test can kill it abruptly
 * ({@code Process.destroyForcibly}, SIGKILL) as an operator's {@code kill -9} or a crash would.
 * Arguments: bootstrap servers, application id, state dir.
 */
final class StreamsAppProcess {

  private StreamsAppProcess() {}

  public static void main(String[] args) throws InterruptedException {
    RuntimeSettings settings = ItSupport.settings(args[0], args[1], Path.of(args[2]), "exactly_once_v2");
    StreamsApp app = new StreamsApp(settings, ForeshockSettings.defaults(),
        new Topics(new AvroSerdes(ItSupport.contractRegistry())), PipelineMetrics.inMemory(), Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    app.start();
    app.awaitStop(Duration.ofHours(1));
  }

  /** Starts {@link #main} in a new JVM with this JVM's classpath, logging to {@code log}. */
  static Process start(String bootstrap, String applicationId, Path stateDir, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx512m", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-cp", System.getProperty("java.class.path"), StreamsAppProcess.class.getName(),
        bootstrap, applicationId, stateDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }
}

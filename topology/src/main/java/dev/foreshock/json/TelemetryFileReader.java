package dev.foreshock.json;

import dev.foreshock.ingest.Rejection;
import dev.foreshock.ingest.Validation;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads a JSON-lines telemetry file: each line is parsed and validated by the contract's rules;
 * a bad line is reported as {@code file:line: reason} and skipped, the rest goes on.
 */
public final class TelemetryFileReader {

  /** What a read found: lines read (blank ones included), records accepted, lines rejected. */
  public record Summary(long lines, long records, long rejected) {}

  /** Told every {@link #PROGRESS_EVERY_LINES} lines how far the read has got. */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param lines lines read so far
     * @param bytesRead bytes of the file read so far (ahead of {@code lines} by at most a buffer)
     */
    void update(long lines, long bytesRead);
  }

  /** How often {@link Progress} is told. */
  public static final int PROGRESS_EVERY_LINES = 4_096;

  private final JsonLines jsonLines = new JsonLines();
  private final Validation validation;
  private final Clock clock;

  public TelemetryFileReader(Validation validation, Clock clock) {
    this.validation = validation;
    this.clock = clock;
  }

  /**
   * Reads {@code file}, handing each valid record to {@code records} and each problem, as
   * {@code file:line: reason}, to {@code problems}.
   *
   * @throws IOException if the file cannot be opened or read (not for bad lines)
   */
  public Summary read(Path file, Consumer<SpecificRecord> records, Consumer<String> problems) throws IOException {
    return read(file, records, problems, (lines, bytes) -> { });
  }

  /** As {@link #read(Path, Consumer, Consumer)}, telling {@code progress} how far it has got. */
  public Summary read(Path file, Consumer<SpecificRecord> records, Consumer<String> problems, Progress progress)
      throws IOException {
    long lineNo = 0;
    long accepted = 0;
    long rejected = 0;
    try (CountingInputStream bytes = new CountingInputStream(Files.newInputStream(file));
        BufferedReader in = new BufferedReader(new InputStreamReader(bytes, StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (lineNo % PROGRESS_EVERY_LINES == 0) {
          progress.update(lineNo, bytes.count);
        }
        if (line.isBlank()) {
          continue;
        }
        SpecificRecord record;
        try {
          record = jsonLines.parse(line);
        } catch (JsonLineException e) {
          problems.accept(file + ":" + lineNo + ": " + e.getMessage());
          rejected++;
          continue;
        }
        Rejection rejection = validation.check(record, clock.millis());
        if (rejection != null) {
          problems.accept(file + ":" + lineNo + ": " + rejection.message());
          rejected++;
          continue;
        }
        records.accept(record);
        accepted++;
      }
    }
    return new Summary(lineNo, accepted, rejected);
  }

  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}

package dev.foreshock.json;

import dev.foreshock.ingest.Rejection;
import dev.foreshock.ingest.Validation;
import java.io.BufferedReader;
import java.io.IOException;
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
    long lineNo = 0;
    long accepted = 0;
    long rejected = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
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
}

package dev.foreshock.correlate;

import dev.foreshock.avro.ChangeEvent;
import java.time.Instant;
import java.util.Locale;

/**
 * A change event as correlation keeps it (internal repartition topic and change history store).
 *
 * @param ts event time of the change
 * @param target the service or resource changed
 * @param kind upper-case kind ({@code DEPLOY}, {@code UPGRADE}, ...)
 * @param description what was changed
 */
public record ChangeRecord(long ts, String target, String kind, String description) {

  private static final int MAX_DESCRIPTION = 120;

  static ChangeRecord of(ChangeEvent e) {
    return new ChangeRecord(e.getTs(), e.getTarget(), e.getKind().toUpperCase(Locale.ROOT), e.getDescription());
  }

  /** The contract's short form: {@code 2025-08-29T07:43:00Z DEPLOY search-api: APM agent dependency update}. */
  String format() {
    String text = description == null ? "" : description.strip();
    if (text.length() > MAX_DESCRIPTION) {
      text = text.substring(0, MAX_DESCRIPTION - 3) + "...";
    }
    return Instant.ofEpochMilli(ts) + " " + kind + " " + target + (text.isEmpty() ? "" : ": " + text);
  }
}

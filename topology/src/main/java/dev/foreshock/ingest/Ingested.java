package dev.foreshock.ingest;

import dev.foreshock.metrics.RejectReason;
import org.apache.avro.specific.SpecificRecord;

/**
 * A telemetry record as read from its topic: either a valid {@code value}, or a {@code rejection}
 * with the original bytes so that the dead-letter topic gets exactly what was received.
 *
 * <p>The ingest deserializer never throws; it returns this instead, so that a bad record neither
 * stops the stream thread nor (through {@link EventTimeExtractor}) advances stream time.
 */
public final class Ingested<T extends SpecificRecord> {

  private final T value;
  private final long eventTime;
  private final Rejection rejection;
  private final byte[] raw;

  private Ingested(T value, long eventTime, Rejection rejection, byte[] raw) {
    this.value = value;
    this.eventTime = eventTime;
    this.rejection = rejection;
    this.raw = raw;
  }

  public static <T extends SpecificRecord> Ingested<T> valid(T value, long eventTime, byte[] raw) {
    return new Ingested<>(value, eventTime, null, raw);
  }

  public static <T extends SpecificRecord> Ingested<T> rejected(RejectReason reason, String message, byte[] raw) {
    return new Ingested<>(null, -1, new Rejection(reason, message), raw);
  }

  public boolean isValid() {
    return rejection == null;
  }

  public T value() {
    return value;
  }

  /** The record's {@code ts} (or -1 for a rejected record or one without a time). */
  public long eventTime() {
    return eventTime;
  }

  public Rejection rejection() {
    return rejection;
  }

  public byte[] raw() {
    return raw;
  }
}

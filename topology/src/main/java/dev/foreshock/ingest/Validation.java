package dev.foreshock.ingest;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.metrics.RejectReason;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * The contract's rules for telemetry records (section 1), shared by the stream ingest and the
 * JSON-lines reader so that a record is judged the same way wherever it comes from.
 */
public final class Validation {

  private final IngestSettings settings;

  public Validation(IngestSettings settings) {
    this.settings = settings;
  }

  /** Null if {@code record} is acceptable at wall-clock time {@code nowMs}, else why not. */
  public Rejection check(SpecificRecord record, long nowMs) {
    if (record instanceof ConnectionEvent e) {
      return first(time(e.getTs(), nowMs), name("service", e.getService()), name("instance", e.getInstance()),
          name("target", e.getTarget()), optionalName("reason", e.getReason()),
          e.getCount() < 1 ? invalid("count must be at least 1, was " + e.getCount()) : null);
    }
    if (record instanceof MemorySample m) {
      return first(time(m.getTs(), nowMs), name("resource", m.getResource()), optionalName("host", m.getHost()),
          m.getUsedBytes() < 0 ? invalid("usedBytes must be >= 0, was " + m.getUsedBytes()) : null,
          m.getMaxBytes() != null && m.getMaxBytes() <= 0
              ? invalid("maxBytes must be > 0 when given, was " + m.getMaxBytes()) : null);
    }
    if (record instanceof RequestStats r) {
      return first(time(r.getTs(), nowMs), name("service", r.getService()), name("instance", r.getInstance()),
          r.getIntervalMs() <= 0 ? invalid("intervalMs must be > 0, was " + r.getIntervalMs()) : null,
          r.getRequests() < 0 ? invalid("requests must be >= 0, was " + r.getRequests()) : null,
          r.getErrors() < 0 ? invalid("errors must be >= 0, was " + r.getErrors()) : null,
          r.getErrors() > r.getRequests()
              ? invalid("errors > requests (" + r.getErrors() + " > " + r.getRequests() + ")") : null);
    }
    if (record instanceof ChangeEvent c) {
      return first(time(c.getTs(), nowMs), name("target", c.getTarget()), name("kind", c.getKind()),
          text("description", c.getDescription()));
    }
    if (record instanceof ServiceDependencies d) {
      if (d.getDependsOn().size() > settings.maxDependencies()) {
        return new Rejection(RejectReason.TOO_LONG, "dependsOn has " + d.getDependsOn().size()
            + " entries, more than the allowed " + settings.maxDependencies());
      }
      Rejection r = first(name("service", d.getService()), d.getTs() == null ? null : time(d.getTs(), nowMs));
      for (int i = 0; r == null && i < d.getDependsOn().size(); i++) {
        r = name("dependsOn[" + i + "]", d.getDependsOn().get(i));
      }
      return r;
    }
    return invalid("not a telemetry record: " + record.getSchema().getFullName());
  }

  private Rejection time(long ts, long nowMs) {
    if (ts <= 0) {
      return invalid("ts must be a positive epoch-millisecond time, was " + ts);
    }
    long skew = settings.maxFutureSkew().toMillis();
    if (ts > nowMs + skew) {
      return new Rejection(RejectReason.FUTURE_TIMESTAMP, "ts " + Instant.ofEpochMilli(ts)
          + " is ahead of the wall clock " + Instant.ofEpochMilli(nowMs) + " by more than the allowed "
          + settings.maxFutureSkew());
    }
    return null;
  }

  private Rejection name(String field, String value) {
    if (value == null || value.isBlank()) {
      return invalid(field + " is missing or empty");
    }
    return optionalName(field, value);
  }

  private Rejection optionalName(String field, String value) {
    if (value != null && value.length() > settings.maxNameLength()) {
      return new Rejection(RejectReason.TOO_LONG, field + " is " + value.length()
          + " characters long, more than the allowed " + settings.maxNameLength());
    }
    return null;
  }

  private Rejection text(String field, String value) {
    if (value != null && value.length() > settings.maxTextLength()) {
      return new Rejection(RejectReason.TOO_LONG, field + " is " + value.length()
          + " characters long, more than the allowed " + settings.maxTextLength());
    }
    return null;
  }

  private static Rejection invalid(String message) {
    return new Rejection(RejectReason.INVALID, message);
  }

  private static Rejection first(Rejection... checks) {
    for (Rejection r : checks) {
      if (r != null) {
        return r;
      }
    }
    return null;
  }
}

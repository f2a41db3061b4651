package dev.foreshock.detect.gaps;

/** What a watched telemetry source is; part of its id in the {@code gap-sources} store. */
public enum SourceKind {
  /** All request stats of one service (subject = the service). */
  SERVICE("service", "request stats"),
  /** Request stats of one instance (subject = {@code service/instance}). */
  INSTANCE("instance", "request stats"),
  /** Memory samples of one resource (subject = the resource). */
  RESOURCE("resource", "memory samples");

  private final String prefix;
  private final String telemetry;

  SourceKind(String prefix, String telemetry) {
    this.prefix = prefix;
    this.telemetry = telemetry;
  }

  /** The store key of the source with this subject, e.g. {@code service:search-api}. */
  public String id(String subject) {
    return prefix + ":" + subject;
  }

  String telemetry() {
    return telemetry;
  }
}

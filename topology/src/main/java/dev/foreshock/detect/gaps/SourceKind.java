package dev.foreshock.detect.gaps;

/** What a watched telemetry source is; part of its id in the {@code gap-sources} store. */
public enum SourceKind {
  /** All request stats of one service (subject = the service). */
  SERVICE("service", "request stats"),
  /**
   * Request stats of one instance (subject = the instance name, as in the telemetry, so that
   * correlation relates it to its service through the membership it learns; store key
   * {@code instance:service/instance}).
   */
  INSTANCE("instance", "request stats"),
  /** Memory samples of one resource (subject = the resource). */
  RESOURCE("resource", "memory samples");

  private final String prefix;
  private final String telemetry;

  SourceKind(String prefix, String telemetry) {
    this.prefix = prefix;
    this.telemetry = telemetry;
  }

  /** The store key of a source, e.g. {@code service:search-api} or {@code instance:search-api/search-3}. */
  public String id(String subject) {
    return prefix + ":" + subject;
  }

  String telemetry() {
    return telemetry;
  }
}

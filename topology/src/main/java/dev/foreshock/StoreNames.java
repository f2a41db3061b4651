package dev.foreshock;

/**
 * Every state store name, shared by the detectors that write the stores and the query API that
 * reads them. Changing a name renames a changelog topic: add, never rename.
 */
public final class StoreNames {

  private StoreNames() {}

  /** Dependencies declared on telemetry.dependencies (global store). */
  public static final String DEPENDENCIES = "dependencies";

  /** Episode state of every candidate, by (type, subject): ids, status, last emitted figures. */
  public static final String CANDIDATE_EPISODES = "candidate-episodes";

  /** Memory detectors' working state per resource (windows, horizon rings, signal state). */
  public static final String MEMORY_SERIES = "memory-series";

  /** Per-window memory figures per resource (window store, key = resource), for the query API. */
  public static final String MEMORY_WINDOWS = "memory-windows";

  /** Current memory trend per resource and horizon (key = resource), for the query API. */
  public static final String MEMORY_TRENDS = "memory-trends";

  /**
   * Requests and errors per service and window (window store, key = service, value =
   * {@code detect.errors.ErrorWindow}): the figures behind {@code GET /api/v1/errors/{service}}.
   */
  public static final String ERROR_WINDOWS = "error-windows";

  /**
   * Error-ratio baseline and spike state per service (key-value, key = service, value =
   * {@code detect.errors.ErrorBaseline}).
   */
  public static final String ERROR_BASELINES = "error-baselines";

  /**
   * Learned reporting cadence of every telemetry source (key-value, key = source id such as
   * {@code service:search-api}, {@code instance:search-api/search-3}, {@code resource:redis-queue};
   * value = {@code detect.gaps.SourceCadence}).
   */
  public static final String GAP_SOURCES = "gap-sources";
}

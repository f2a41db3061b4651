package dev.foreshock;

/**
 * Every state store name, shared by the detectors that write the stores and the query API that
 * reads them. Changing a name renames a changelog topic: add, never rename.
 */
public final class StoreNames {

  private StoreNames() {}

  /**
   * Dependencies declared on telemetry.dependencies, by service (a local store of the single
   * correlation task, fed from the validated stream: see docs/correlation.md).
   */
  public static final String DEPENDENCIES = "dependencies";

  /** Open episodes of every candidate and incident, by type|subject: ids, state, last emitted figures. */
  public static final String CANDIDATE_EPISODES = "candidate-episodes";

  /** Dependencies learned from connection events, by from + U+001F + to: last seen (event time). */
  public static final String LEARNED_DEPENDENCIES = "learned-dependencies";

  /** Change events by target (window store with duplicates, retention correlation.changes.retention). */
  public static final String CHANGE_HISTORY = "change-history";

  /**
   * For the query API: by candidate id, the current record and its recent history
   * ({@code CandidateHistory}, JSON); open candidates and those resolved within
   * correlation.history.retention. All on partition 0 (the single correlation task).
   */
  public static final String CANDIDATE_HISTORY = "candidate-history";

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
  /** Memory detectors' working state per resource (windows, horizon rings, signal state). */
  public static final String MEMORY_SERIES = "memory-series";

  /** Per-window memory figures per resource (window store, key = resource), for the query API. */
  public static final String MEMORY_WINDOWS = "memory-windows";

  /** Current memory trend per resource and horizon (key = resource), for the query API. */
  public static final String MEMORY_TRENDS = "memory-trends";

  /** Connection figures per target and 5 s window (window store; query API: /connections/{target}). */
  public static final String CONNECTION_WINDOWS = "connection-windows";

  /** Current bursts, recycling period and acquire-failure state per target (query API). */
  public static final String CONNECTION_PATTERNS = "connection-patterns";

  /** The connection detectors' checkpointed baselines and fleet per target (internal). */
  public static final String CONNECTION_DETECTOR_STATE = "connection-detector-state";
}

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

  /** Connection figures per target and 5 s window (window store; query API: /connections/{target}). */
  public static final String CONNECTION_WINDOWS = "connection-windows";

  /** Current bursts, recycling period and acquire-failure state per target (query API). */
  public static final String CONNECTION_PATTERNS = "connection-patterns";

  /** The connection detectors' checkpointed baselines and fleet per target (internal). */
  public static final String CONNECTION_DETECTOR_STATE = "connection-detector-state";
}

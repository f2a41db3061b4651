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
}

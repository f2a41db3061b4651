package dev.foreshock.simulate;

/**
 * A reproducible telemetry scenario: the same seed always gives the same records and labels.
 * Parameters (fleet sizes, periods, limits, rates, timings) are drawn from ranges by the seed.
 */
public interface Scenario {

  /** The name used on the command line, e.g. {@code rapid-rise}. */
  String name();

  /** One line: what happens and which seed incident or must-not-fire case it stands for. */
  String description();

  /** Generates the scenario for {@code seed}. */
  SimulatedScenario generate(long seed);
}

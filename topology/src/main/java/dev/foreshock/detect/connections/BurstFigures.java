package dev.foreshock.detect.connections;

import java.util.List;

/**
 * One fleet-wide burst of connection opens on a target, over the windows of the consecutive spans
 * judged a burst (usually 10-15 s).
 *
 * @param startTs start of the first span judged a burst, epoch ms
 * @param endTs end of the last span judged a burst, epoch ms
 * @param opens opens in the burst
 * @param baseline robust baseline of opens per span when the burst began
 * @param instances distinct instances opening in the burst
 * @param usualInstances how many distinct instances open connections in a stretch that long when
 *     nothing special happens (the background churn; median of recent spans, scaled to the length)
 * @param fleetSize the target's fleet at the end of the burst
 * @param fleetFraction {@code (instances - usualInstances) / fleetSize}: the share of the fleet
 *     that took part beyond the background
 * @param failures acquire failures during the burst
 * @param services services with events in the burst (at most 8, sorted)
 */
public record BurstFigures(
    long startTs,
    long endTs,
    long opens,
    double baseline,
    int instances,
    double usualInstances,
    int fleetSize,
    double fleetFraction,
    long failures,
    List<String> services) {

  public BurstFigures {
    services = services == null ? List.of() : List.copyOf(services);
  }

  /** The instances beyond the background churn, rounded. */
  public int excessInstances() {
    return (int) Math.round(instances - usualInstances);
  }
}

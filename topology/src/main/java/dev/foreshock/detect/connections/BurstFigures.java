package dev.foreshock.detect.connections;

import java.util.List;

/**
 * One fleet-wide burst of connection opens on a target: the figures of its peak span.
 *
 * @param startTs start of the first span judged a burst, epoch ms
 * @param endTs end of the last span judged a burst, epoch ms
 * @param opens opens in the peak span
 * @param baseline robust baseline of opens per span when the burst began
 * @param instances distinct instances opening in the peak span
 * @param fleetSize the target's fleet at the peak
 * @param fleetFraction {@code instances / fleetSize} at the peak
 * @param failures the most acquire failures in one span during the burst
 * @param services services of the instances in the peak span (at most a few, sorted)
 */
public record BurstFigures(
    long startTs,
    long endTs,
    long opens,
    double baseline,
    int instances,
    int fleetSize,
    double fleetFraction,
    long failures,
    List<String> services) {

  public BurstFigures {
    services = services == null ? List.of() : List.copyOf(services);
  }
}

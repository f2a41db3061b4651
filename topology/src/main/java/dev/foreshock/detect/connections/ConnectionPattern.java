package dev.foreshock.detect.connections;

import dev.foreshock.avro.Severity;
import java.util.List;

/**
 * The current burst, period and failure state of one target, as kept in the
 * {@code connection-patterns} store: what the query API shows, and what the detector restores
 * after a restart. A severity is null when that condition does not hold.
 *
 * @param target the database or cache
 * @param updatedTs event time of the last change
 * @param fleetSize instances seen on the target within {@code connections.fleet.expiry}
 * @param bursts recent bursts, oldest first (at most {@code connections.period.history})
 * @param burstSeverity severity of the open burst episode
 * @param lastBurstEndTs end of the latest burst (0 if none)
 * @param periodicSeverity severity of the periodic-recycling episode
 * @param periodSeconds the recycling period (0 when none is known)
 * @param periodBursts bursts on the period's grid
 * @param missedBursts slots on the grid without a burst
 * @param fleetFraction fleet share of the latest bursts on the grid
 * @param fleetFractionTrend slope of the fleet share per burst on the grid (rising = bunching worsens)
 * @param periodFirstBurstTs start of the first burst on the grid
 * @param periodLastBurstEndTs end of the latest burst on the grid
 * @param failureSeverity severity of the acquire-failure episode
 * @param failureOnsetTs start of the failure episode
 * @param failureLastTs end of the last span with failures far above baseline
 * @param failures failures in the latest span far above baseline
 * @param failingInstances distinct instances failing in the episode
 * @param failureBaseline baseline of failures per span at the onset
 */
public record ConnectionPattern(
    String target,
    long updatedTs,
    int fleetSize,
    List<BurstFigures> bursts,
    Severity burstSeverity,
    long lastBurstEndTs,
    Severity periodicSeverity,
    double periodSeconds,
    int periodBursts,
    int missedBursts,
    double fleetFraction,
    double fleetFractionTrend,
    long periodFirstBurstTs,
    long periodLastBurstEndTs,
    Severity failureSeverity,
    long failureOnsetTs,
    long failureLastTs,
    long failures,
    int failingInstances,
    double failureBaseline) {

  public ConnectionPattern {
    bursts = bursts == null ? List.of() : List.copyOf(bursts);
  }
}

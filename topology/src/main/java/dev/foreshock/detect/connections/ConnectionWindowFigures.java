package dev.foreshock.detect.connections;

/**
 * The figures of one closed window of one target, as kept in the {@code connection-windows} window
 * store for the query API. "Span" figures cover this window and the one before it (the span the
 * detectors judge); instance and service counts are distinct, capped at
 * {@code connections.window.max-instances}.
 *
 * @param target the database or cache
 * @param windowStart start of the window (inclusive), epoch ms
 * @param windowEnd end of the window (exclusive), epoch ms
 * @param opens connections opened
 * @param closes connections closed
 * @param failures acquire failures
 * @param instances instances with any event in the window
 * @param openingInstances instances that opened connections in the window
 * @param failingInstances instances with acquire failures in the window
 * @param services services with any event in the window
 * @param fleetSize instances seen on the target within {@code connections.fleet.expiry}
 * @param fleetFraction {@code openingInstances / fleetSize}
 * @param spanOpens opens in the span ending with this window
 * @param spanOpeningInstances distinct opening instances in the span
 * @param usualOpeningInstances robust baseline (median) of distinct opening instances per span:
 *     the background churn
 * @param spanFleetFraction {@code (spanOpeningInstances - usualOpeningInstances) / fleetSize}: the
 *     share of the fleet opening beyond the background
 * @param baselineOpens robust baseline (median) of opens per span
 * @param spanFailures acquire failures in the span
 * @param spanFailingInstances distinct failing instances in the span
 * @param baselineFailures robust baseline (median) of failures per span
 * @param burst the span was (part of) a fleet-wide burst
 * @param failing the span's failures were far above baseline across instances
 */
public record ConnectionWindowFigures(
    String target,
    long windowStart,
    long windowEnd,
    long opens,
    long closes,
    long failures,
    int instances,
    int openingInstances,
    int failingInstances,
    int services,
    int fleetSize,
    double fleetFraction,
    long spanOpens,
    int spanOpeningInstances,
    double usualOpeningInstances,
    double spanFleetFraction,
    double baselineOpens,
    long spanFailures,
    int spanFailingInstances,
    double baselineFailures,
    boolean burst,
    boolean failing) {}

package dev.foreshock.detect.gaps;

import dev.foreshock.avro.Severity;

/**
 * The learned reporting cadence of one telemetry source: the value of the {@code gap-sources}
 * store that the query API reads and that the detector restores after a restart.
 *
 * @param kind service, instance or resource
 * @param subject the candidate subject: the service, the instance name, or the resource
 * @param service the service of an instance (null otherwise)
 * @param firstTs event time of the first report seen
 * @param lastTs event time of the newest report
 * @param lastArrivalMs wall-clock time the newest record arrived
 * @param reports reports seen with a new event time
 * @param steadyRun intervals in a row since the source was first seen or last had a gap
 * @param intervalsMs the most recent intervals between reports, oldest first
 * @param meanIntervalMs moving average of the intervals
 * @param usualIntervalMs the longest of the recent intervals: the cadence the source keeps
 * @param silenceThresholdMs silence after which the source is flagged (when steady)
 * @param steady whether it has reported steadily for long enough to be judged
 * @param flagged severity of the gap in progress, null when none
 * @param lastSignalTs event time of the last active signal of that gap
 * @param excused the present silence is explained (scale-down, replacement, silent service)
 */
public record SourceCadence(
    SourceKind kind,
    String subject,
    String service,
    long firstTs,
    long lastTs,
    long lastArrivalMs,
    int reports,
    int steadyRun,
    long[] intervalsMs,
    double meanIntervalMs,
    long usualIntervalMs,
    long silenceThresholdMs,
    boolean steady,
    Severity flagged,
    long lastSignalTs,
    boolean excused) {}

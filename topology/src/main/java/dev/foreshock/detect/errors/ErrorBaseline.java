package dev.foreshock.detect.errors;

import dev.foreshock.avro.Severity;

/**
 * What the error-rate detector knows about one service: its baseline (the median error ratio of
 * its recent calm windows), the history that baseline comes from, and the state of a spike in
 * progress. The value of the {@code error-baselines} store that the query API reads.
 *
 * @param service the service
 * @param baselineRatio median ratio of the calm windows in {@code history}; null during warm-up
 * @param baselineWindows how many windows the baseline is made of
 * @param history ratios of the recent calm windows, oldest first
 * @param closedUpTo windows starting before this have been judged
 * @param lastDataTs end of the newest window that had requests (for forgetting idle services)
 * @param severity severity of the spike in progress, null when there is none
 * @param onsetTs start of the first window of the spike in progress
 * @param calmWindows consecutive calm windows during a spike (clears it at {@code errors.clear-windows})
 * @param lowerWindows consecutive windows during a spike whose own severity is lower
 * @param lastSignalTs stream time of the last active signal of the spike in progress
 */
public record ErrorBaseline(
    String service,
    Double baselineRatio,
    int baselineWindows,
    double[] history,
    long closedUpTo,
    long lastDataTs,
    Severity severity,
    long onsetTs,
    int calmWindows,
    int lowerWindows,
    long lastSignalTs) {}

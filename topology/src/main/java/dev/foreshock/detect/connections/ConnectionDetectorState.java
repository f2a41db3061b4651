package dev.foreshock.detect.connections;

import java.util.Map;

/**
 * The detector's working state of one target, checkpointed to the
 * {@code connection-detector-state} store so that a restart keeps the baselines and the fleet.
 * The windows still open at a crash (a few seconds) are not kept.
 *
 * @param target the database or cache
 * @param firstSeenTs start of the first window of the target (for the fleet warm-up)
 * @param nextWindowStart start of the first window not yet closed
 * @param spansSeen spans judged so far (for the warm-up)
 * @param lastEventTs event time of the latest event
 * @param fleet instance → last seen, epoch ms
 * @param opensSamples baseline samples of opens per span, oldest first
 * @param openerSamples baseline samples of distinct opening instances per span, oldest first
 * @param failureSamples baseline samples of failures per span, oldest first
 */
public record ConnectionDetectorState(
    String target,
    long firstSeenTs,
    long nextWindowStart,
    long spansSeen,
    long lastEventTs,
    Map<String, Long> fleet,
    long[] opensSamples,
    long[] openerSamples,
    long[] failureSamples) {}

package dev.foreshock.detect.memory;

/**
 * The current trend of one resource over one horizon (part of {@link MemoryTrendView}).
 *
 * @param horizonSeconds the horizon
 * @param points bucket aggregates the fit used
 * @param slopeBytesPerSecond robust (Theil–Sen) slope of the lower envelope (bucket minima)
 * @param levelSlopeBytesPerSecond least-squares slope of the level (bucket means)
 * @param r2 least-squares fit quality of the lower envelope
 * @param secondsToExhaustion projected time until the peaks reach the limit; null when there is no
 *     limit or the envelope does not rise
 * @param onsetTs where the envelope began to rise (hinge change point), or the first point
 * @param ts event time of the evaluation
 * @param judged whether this is the horizon that judges growth (it fits only the stretch since the onset)
 */
public record HorizonTrend(
    long horizonSeconds,
    int points,
    double slopeBytesPerSecond,
    double levelSlopeBytesPerSecond,
    double r2,
    Double secondsToExhaustion,
    long onsetTs,
    long ts,
    boolean judged) {}

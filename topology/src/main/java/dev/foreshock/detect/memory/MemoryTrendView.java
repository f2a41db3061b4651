package dev.foreshock.detect.memory;

import java.util.List;

/**
 * The current state of one resource for the query API (store {@code memory-trends}, key =
 * resource): the latest figures and the trend per horizon, shortest horizon first.
 *
 * @param limitBytes the last known limit, or null
 * @param usedFraction last used / limit, or null without a limit
 * @param growthSeverity the severity of the active growth signal, or null
 */
public record MemoryTrendView(
    String resource,
    long ts,
    long lastUsedBytes,
    Long limitBytes,
    Double usedFraction,
    List<HorizonTrend> horizons,
    String growthSeverity,
    boolean rapidRise) {}

package dev.foreshock.detect.memory;

/**
 * The figures of one resource in one downsampling window (store {@code memory-windows}, read by the
 * query API). Byte figures are of the resource's combined series (the fullest host).
 *
 * @param limitBytes the last known limit ({@code maxBytes}), or null when none was reported
 */
public record MemoryWindow(
    String resource,
    long windowStart,
    long windowEnd,
    long minUsedBytes,
    long maxUsedBytes,
    double meanUsedBytes,
    long lastUsedBytes,
    long samples,
    Long limitBytes) {}

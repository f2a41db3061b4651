package dev.foreshock.query;

import java.time.Duration;

/**
 * How much one request may read from a window store.
 *
 * @param defaultSpan the range when {@code from} is not given: this much before {@code to}
 * @param maxSpan the longest {@code to - from} accepted (400 beyond)
 * @param maxWindows the most windows one answer may hold (400 beyond: narrow the range)
 */
public record QueryLimits(Duration defaultSpan, Duration maxSpan, int maxWindows) {

  public QueryLimits {
    if (defaultSpan.isNegative() || defaultSpan.isZero() || maxSpan.compareTo(defaultSpan) < 0 || maxWindows < 1) {
      throw new IllegalArgumentException("query limits need 0 < defaultSpan <= maxSpan and maxWindows >= 1, were "
          + defaultSpan + ", " + maxSpan + ", " + maxWindows);
    }
  }

  /** 1 h by default, at most 7 days and 2000 windows per request. */
  public static QueryLimits defaults() {
    return new QueryLimits(Duration.ofHours(1), Duration.ofDays(7), 2_000);
  }
}

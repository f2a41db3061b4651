package dev.foreshock.score;

import java.util.Locale;

/** Short human forms of durations for tables: {@code 850ms}, {@code 45s}, {@code 3m05s}, {@code 2h07m}, {@code 3d04h}. */
public final class Durations {

  private Durations() {
  }

  /** Formats milliseconds; null gives {@code -}. */
  public static String format(Long ms) {
    if (ms == null) {
      return "-";
    }
    long v = Math.abs(ms);
    String sign = ms < 0 ? "-" : "";
    if (v < 1_000) {
      return sign + v + "ms";
    }
    long s = v / 1_000;
    if (s < 60) {
      return sign + s + "s";
    }
    if (s < 3_600) {
      return sign + String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return sign + String.format(Locale.ROOT, "%dh%02dm", s / 3_600, (s % 3_600) / 60);
    }
    return sign + String.format(Locale.ROOT, "%dd%02dh", s / 86_400, (s % 86_400) / 3_600);
  }
}

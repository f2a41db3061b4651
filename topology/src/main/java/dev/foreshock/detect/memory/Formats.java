package dev.foreshock.detect.memory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Human figures for summaries: bytes in binary units, UTC times, rounded durations. */
final class Formats {

  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SECOND =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Formats() {}

  static String bytes(double b) {
    double a = Math.abs(b);
    if (a >= 1024.0 * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f GB", b / (1024.0 * 1024 * 1024));
    }
    if (a >= 1024.0 * 1024) {
      return String.format(Locale.ROOT, "%.0f MB", b / (1024.0 * 1024));
    }
    if (a >= 1024.0) {
      return String.format(Locale.ROOT, "%.0f KB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%.0f B", b);
  }

  static String minute(long epochMs) {
    return MINUTE.format(Instant.ofEpochMilli(epochMs));
  }

  static String second(long epochMs) {
    return SECOND.format(Instant.ofEpochMilli(epochMs));
  }

  static String duration(double seconds) {
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.0f s", seconds);
    }
    if (seconds < 2 * 3600) {
      return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }
    if (seconds < 4 * 86_400) {
      return String.format(Locale.ROOT, "%.0f h", seconds / 3600);
    }
    return String.format(Locale.ROOT, "%.1f days", seconds / 86_400);
  }
}

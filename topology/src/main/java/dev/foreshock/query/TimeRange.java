package dev.foreshock.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * A stretch of event time {@code [from, to)} asked of a window store, in epoch milliseconds: the
 * windows that start in it, within the {@link QueryLimits}.
 */
record TimeRange(long from, long to) {

  private static final Instant NEVER = Instant.ofEpochMilli(Long.MAX_VALUE);

  /**
   * The range of {@code ?from=&to=} (epoch ms or ISO-8601): {@code to} defaults to
   * {@code defaultTo} (the end of the key's newest window), {@code from} to {@code defaultSpan}
   * before {@code to}. 400 when from is not before to or the span is beyond the limit.
   */
  static TimeRange of(ApiRequest request, long defaultTo, QueryLimits limits) {
    long to = request.time("to", defaultTo);
    long from = request.time("from", to - limits.defaultSpan().toMillis());
    if (from >= to) {
      throw ApiException.badRequest("'from' (" + Instant.ofEpochMilli(from) + ") must be before 'to' ("
          + Instant.ofEpochMilli(to) + ")");
    }
    if (to - from > limits.maxSpan().toMillis()) {
      throw ApiException.badRequest("the range from " + Instant.ofEpochMilli(from) + " to " + Instant.ofEpochMilli(to)
          + " is longer than the " + limits.maxSpan().toHours() + " h one request may read; narrow it");
    }
    return new TimeRange(from, to);
  }

  /** The end of the newest window of {@code key}, or -1 when the store holds none. */
  static <V> long newestEnd(ReadOnlyWindowStore<String, V> store, String key, ToLongFunction<V> windowEnd) {
    try (WindowStoreIterator<V> it = store.backwardFetch(key, Instant.EPOCH, NEVER)) {
      return it.hasNext() ? windowEnd.applyAsLong(it.next().value) : -1;
    }
  }

  /** The windows of {@code key} that start in this range, oldest first; 400 beyond {@code maxWindows}. */
  <V> List<V> fetch(ReadOnlyWindowStore<String, V> store, String key, int maxWindows) {
    List<V> out = new ArrayList<>();
    try (WindowStoreIterator<V> it = store.fetch(key, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to - 1))) {
      while (it.hasNext()) {
        KeyValue<Long, V> kv = it.next();
        if (out.size() == maxWindows) {
          throw ApiException.badRequest("more than " + maxWindows + " windows of '" + key + "' start between "
              + Instant.ofEpochMilli(from) + " and " + Instant.ofEpochMilli(to) + "; narrow the range");
        }
        out.add(kv.value);
      }
    }
    return out;
  }

  /** The newest {@code n} windows of {@code key}, oldest first. */
  static <V> List<V> newest(ReadOnlyWindowStore<String, V> store, String key, int n) {
    List<V> out = new ArrayList<>(n);
    try (WindowStoreIterator<V> it = store.backwardFetch(key, Instant.EPOCH, NEVER)) {
      while (it.hasNext() && out.size() < n) {
        out.add(0, it.next().value);
      }
    }
    return out;
  }
}

package dev.foreshock.detect;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * A map of at most {@code capacity} entries that evicts the least recently used one: the bounded
 * in-heap working set of a detector whose full per-key state lives in a state store. An evicted
 * entry goes to the {@link Evictor} (which writes it back to the store if it changed); a miss is
 * the caller's to load from the store. Not thread-safe (one per processor, as a task is).
 *
 * <p>Unlike an access-ordered {@code LinkedHashMap}, {@link #peek} reads without touching the
 * order, and {@link #forEach} / {@link #removeIf} may call {@link #peek}, {@link #get} and
 * {@link #remove} while they iterate (no {@code ConcurrentModificationException}; lookups during
 * an iteration leave the order as it is); a {@link #put} of a new key while iterating is not
 * allowed. Iterating costs no allocation and no hash lookup per entry.
 *
 * @param <K> the key
 * @param <V> the value (mutable state objects are fine: the cache holds references)
 */
public final class BoundedCache<K, V> {

  /** Receives each entry the cache evicts to make room. */
  @FunctionalInterface
  public interface Evictor<K, V> {
    void evicted(K key, V value);
  }

  private static final class Node<K, V> {
    final K key;
    V value;
    Node<K, V> older;
    Node<K, V> newer;
    boolean removed;

    Node(K key, V value) {
      this.key = key;
      this.value = value;
    }
  }

  private final int capacity;
  private final Evictor<K, V> evictor;
  private final Map<K, Node<K, V>> nodes;
  /** Least recently used. */
  private Node<K, V> oldest;
  /** Most recently used. */
  private Node<K, V> newest;
  private long evictions;
  private boolean iterating;

  /**
   * @param capacity most entries held (at least 1)
   * @param evictor called with every entry evicted to make room (not with removed ones)
   */
  public BoundedCache(int capacity, Evictor<K, V> evictor) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a bounded cache needs a capacity of at least 1, not " + capacity);
    }
    this.capacity = capacity;
    this.evictor = evictor;
    this.nodes = new HashMap<>(Math.min(capacity, 1 << 16) * 4 / 3 + 1);
  }

  /**
   * The value of {@code key}, now the most recently used (unless the cache is being iterated:
   * then the order stays as it is); null on a miss.
   */
  public V get(K key) {
    Node<K, V> n = nodes.get(key);
    if (n == null) {
      return null;
    }
    if (n != newest && !iterating) {
      unlink(n);
      append(n);
    }
    return n.value;
  }

  /** The value of {@code key} without changing its recency; null on a miss. */
  public V peek(K key) {
    Node<K, V> n = nodes.get(key);
    return n == null ? null : n.value;
  }

  /**
   * Holds {@code value} for {@code key} as the most recently used entry; if that makes more than
   * {@code capacity} entries, evicts the least recently used one to the evictor.
   */
  public void put(K key, V value) {
    Node<K, V> n = nodes.get(key);
    if (n != null) {
      n.value = value;
      if (n != newest && !iterating) {
        unlink(n);
        append(n);
      }
      return;
    }
    if (iterating) {
      throw new IllegalStateException("a new key cannot be added to a bounded cache while it is iterated");
    }
    n = new Node<>(key, value);
    nodes.put(key, n);
    append(n);
    if (nodes.size() > capacity) {
      Node<K, V> eldest = oldest;
      unlink(eldest);
      nodes.remove(eldest.key);
      evictions++;
      evictor.evicted(eldest.key, eldest.value);
    }
  }

  /** Drops {@code key} without calling the evictor; answers its value or null. */
  public V remove(K key) {
    Node<K, V> n = nodes.remove(key);
    if (n == null) {
      return null;
    }
    Node<K, V> successor = n.newer;
    unlink(n);
    // an iteration standing on this node goes on from its successor at the time
    n.removed = true;
    n.newer = successor;
    return n.value;
  }

  /** Every entry, least recently used first, without changing the order. */
  public void forEach(BiConsumer<? super K, ? super V> action) {
    removeIf((k, v) -> {
      action.accept(k, v);
      return false;
    });
  }

  /**
   * Calls {@code drop} on every entry, least recently used first, and removes those it answers
   * true for (without calling the evictor). {@code drop} may {@link #get}, {@link #peek} and
   * {@link #remove} other keys.
   */
  public void removeIf(BiPredicate<? super K, ? super V> drop) {
    boolean outer = iterating;
    iterating = true;
    try {
      // the order cannot change while iterating; a removed node keeps its link to its successor
      Node<K, V> n = oldest;
      while (n != null) {
        Node<K, V> next = n.newer;
        if (drop.test(n.key, n.value) && !n.removed) {
          remove(n.key);
          next = n.newer;
        }
        while (next != null && next.removed) {
          next = next.newer;
        }
        n = next;
      }
    } finally {
      iterating = outer;
    }
  }

  public int size() {
    return nodes.size();
  }

  public int capacity() {
    return capacity;
  }

  /** Entries evicted so far. */
  public long evictions() {
    return evictions;
  }

  private void unlink(Node<K, V> n) {
    if (n.older != null) {
      n.older.newer = n.newer;
    } else {
      oldest = n.newer;
    }
    if (n.newer != null) {
      n.newer.older = n.older;
    } else {
      newest = n.older;
    }
    n.older = null;
    n.newer = null;
  }

  private void append(Node<K, V> n) {
    n.older = newest;
    n.newer = null;
    if (newest != null) {
      newest.newer = n;
    } else {
      oldest = n;
    }
    newest = n;
  }
}

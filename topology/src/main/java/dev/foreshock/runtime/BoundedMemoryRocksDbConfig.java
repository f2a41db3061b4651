package dev.foreshock.runtime;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of this JVM, however many stores, segments
 * and partitions there are: one LRU block cache shared by all of them, with the memtables counted
 * against it by a shared {@link WriteBufferManager}, and index and filter blocks kept in that
 * cache instead of beside it. Without this each store segment takes its own 50 MB of block cache
 * and memtables, and memory grows with the number of windows and partitions.
 *
 * <p>The total comes from {@link #MEMORY_BYTES_CONFIG} in the streams properties (set from
 * {@code rocksdb.memory.mb}); a quarter of it may be memtables.
 */
public final class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {

  /** The streams property holding the total bytes (block cache plus memtables). */
  public static final String MEMORY_BYTES_CONFIG = "foreshock.rocksdb.memory.bytes";

  private static final long DEFAULT_BYTES = 64L * 1024 * 1024;

  // One cache for the whole JVM: RocksDB requires the same Cache object to share it.
  private static Cache cache;
  private static WriteBufferManager writeBufferManager;
  private static long cacheBytes;

  private static synchronized void init(long totalBytes) {
    if (cache == null) {
      cacheBytes = totalBytes;
      cache = new LRUCache(totalBytes, -1, false, 0.1);
      writeBufferManager = new WriteBufferManager(totalBytes / 4, cache);
    }
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object configured = configs.get(MEMORY_BYTES_CONFIG);
    long total = configured == null ? DEFAULT_BYTES : Long.parseLong(configured.toString());
    init(total);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(writeBufferManager);
    options.setTableFormatConfig(table);
    // small memtables: many small stores (window segments) share the budget
    options.setWriteBufferSize(Math.max(1L << 20, Math.min(16L << 20, cacheBytes / 16)));
    options.setMaxWriteBufferNumber(2);
    // the stores hold JSON (series of mostly empty rings, cadences): LZ4 shrinks them several
    // times over, for less disk and less compaction I/O per key
    options.setCompressionType(CompressionType.LZ4_COMPRESSION);
  }

  @Override
  public void close(String storeName, Options options) {
    // the cache and the write buffer manager are shared by every store: never closed here
  }
}

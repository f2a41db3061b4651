package dev.foreshock.runtime;

import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;

/**
 * A soak, not a unit test: the whole topology, with the runtime's bounded RocksDB settings, over a
 * stream in which every record names a new resource or a new instance, so that every key-indexed
 * structure of every stage grows with the key count. Runs in {@link OfflinePipeline} (the test
 * driver fed directly, as a backtest is: the driver's own per-record commit flushes every RocksDB
 * store after every record and runs at a few hundred records a second), with RocksDB stores (the
 * offline pipeline's default is in memory). Prints the heap in use
 * after a full GC every 100,000 keys, the wall time and the state directory's size; the figure that
 * matters is that the heap levels off and the run ends instead of failing with
 * {@code OutOfMemoryError}.
 *
 * <pre>
 * mvn -B -o -q -DskipTests package -pl topology -am &amp;&amp; mvn -B -o -q test-compile -pl topology -am
 * nice java -Xmx512m -XX:+ExitOnOutOfMemoryError -cp topology/target/foreshock.jar:topology/target/test-classes \
 *     dev.foreshock.runtime.MemorySoak 1000000 [both|resources|instances] [key=value ...]
 * </pre>
 */
public final class MemorySoak {

  private MemorySoak() {}

  public static void main(String[] args) throws Exception {
    int distinct = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    // "both" (default), "resources" (memory samples only) or "instances" (request stats only)
    String mode = args.length > 1 ? args[1] : "both";
    // then detector settings as key=value, e.g. gaps.cache.entries=10000
    Map<String, String> detectorSettings = new java.util.HashMap<>();
    for (int a = 2; a < args.length; a++) {
      String[] kv = args[a].split("=", 2);
      detectorSettings.put(kv[0], kv[1]);
    }
    boolean resources = !mode.equals("instances");
    boolean instances = !mode.equals("resources");
    Path stateDir = Files.createTempDirectory("foreshock-soak");
    Instant base = Instant.parse("2025-09-17T00:00:00Z");
    RuntimeSettings runtime = RuntimeSettings.from(SettingsSource.of(Map.of(
        "bootstrap.servers", "soak:9092", "application.id", "foreshock-soak", "state.dir", stateDir.toString(),
        "rocksdb.memory.mb", "64")), Map.of());
    Properties props = StreamsApp.properties(runtime);
    // RocksDB stores as in a live run (the offline pipeline keeps them in memory), bounded as there
    Map<String, Object> rocksDb = Map.of(
        StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.RocksDBDslStoreSuppliers.class,
        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG),
        BoundedMemoryRocksDbConfig.MEMORY_BYTES_CONFIG, props.get(BoundedMemoryRocksDbConfig.MEMORY_BYTES_CONFIG));
    long end = base.toEpochMilli() + distinct * 100L;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Random random = new Random(1_000_003);
    long started = System.nanoTime();
    long candidates = 0;
    long peakAfterGc = 0;
    try (OfflinePipeline pipeline = new OfflinePipeline(ForeshockSettings.from(SettingsSource.of(detectorSettings)),
        Clock.fixed(Instant.ofEpochMilli(end).plusSeconds(3600), ZoneOffset.UTC), base, stateDir, rocksDb)) {
      for (int i = 0; i < distinct; i++) {
        long ts = base.toEpochMilli() + i * 100L;
        String resource = "cache-" + i;
        long max = 1L << 30;
        if (resources) {
          pipeline.pipe(MemorySample.newBuilder().setTs(ts).setResource(resource).setHost("host-" + (i % 5000))
              .setUsedBytes((long) (max * (0.3 + 0.2 * random.nextDouble()))).setMaxBytes(max).build());
        }
        String service = "service-" + (i % 2000);
        if (instances) {
          pipeline.pipe(RequestStats.newBuilder().setTs(ts).setService(service).setInstance("instance-" + i)
              .setIntervalMs(10_000).setRequests(500 + random.nextInt(500)).setErrors(random.nextInt(3)).build());
        }
        if ((i + 1) % 10_000 == 0) {
          candidates += pipeline.drainCandidates().size();
        }
        if ((i + 1) % 100_000 == 0) {
          System.gc();
          long used = memory.getHeapMemoryUsage().getUsed();
          peakAfterGc = Math.max(peakAfterGc, used);
          System.out.printf(Locale.ROOT, "%,d distinct keys (%s): heap used after GC %,d MB (max %,d MB), %,.0f records/s,"
              + " %,d candidates, state dir %,d MB%n", i + 1, mode, used >> 20, memory.getHeapMemoryUsage().getMax() >> 20,
              (resources && instances ? 2.0 : 1.0) * (i + 1) / ((System.nanoTime() - started) / 1e9), candidates,
              size(stateDir) >> 20);
        }
      }
      candidates += pipeline.drainCandidates().size();
      System.out.printf(Locale.ROOT, "done: %,d distinct keys (%s) in %.0f s, %,d candidates, peak heap after GC %,d MB,"
          + " state dir %,d MB%n", distinct, mode, (System.nanoTime() - started) / 1e9, candidates, peakAfterGc >> 20,
          size(stateDir) >> 20);
    }
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0; // deleted meanwhile (a compaction)
        }
      }).sum();
    }
  }
}

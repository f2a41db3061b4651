package dev.foreshock.correlate;

import dev.foreshock.avro.ConnectionEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Learns dependencies from connection events where they arrive (every connections task): a
 * service whose pool talks to a target depends on it; an instance is part of its service. Forwards
 * each edge when first seen and then at most once per {@code refresh}, keyed by the dependant, so
 * that the single correlation task gets a trickle, not the connection stream.
 *
 * <p>The dedup map is a cache, not state: losing it on restart only re-sends edges early. Entries
 * not seen for {@code 2 x refresh} are dropped on a stream-time punctuation, which keeps it
 * bounded by the live (target, service) and (service, instance) pairs. No allocation per event
 * unless an edge is due.
 */
final class EdgeLearner implements Processor<String, ConnectionEvent, String, DependencyEdge> {

  private final long refresh;
  /** to -> from -> last forwarded ts. */
  private final Map<String, Map<String, long[]>> sent = new HashMap<>();
  private ProcessorContext<String, DependencyEdge> context;

  EdgeLearner(Duration refresh) {
    this.refresh = refresh.toMillis();
  }

  @Override
  public void init(ProcessorContext<String, DependencyEdge> context) {
    this.context = context;
    context.schedule(Duration.ofMillis(refresh), PunctuationType.STREAM_TIME, this::forget);
  }

  @Override
  public void process(Record<String, ConnectionEvent> record) {
    ConnectionEvent e = record.value();
    long ts = record.timestamp();
    offer(e.getService(), e.getTarget(), ts);
    offer(e.getInstance(), e.getService(), ts);
  }

  private void offer(String from, String to, long ts) {
    Map<String, long[]> froms = sent.computeIfAbsent(to, k -> new HashMap<>());
    long[] last = froms.get(from);
    if (last == null) {
      froms.put(from, new long[] {ts});
    } else if (ts - last[0] >= refresh) {
      last[0] = ts;
    } else {
      return;
    }
    context.forward(new Record<>(from, new DependencyEdge(from, to, ts), ts));
  }

  private void forget(long now) {
    long cutoff = now - 2 * refresh;
    sent.values().forEach(froms -> froms.values().removeIf(last -> last[0] < cutoff));
    sent.values().removeIf(Map::isEmpty);
  }
}

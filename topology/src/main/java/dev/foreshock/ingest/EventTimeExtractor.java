package dev.foreshock.ingest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the record's {@code ts} field, not the Kafka timestamp (replays of old files are
 * normal). Kafka Streams deserializes a record before extracting its timestamp, so this sees the
 * {@link Ingested} wrapper. A rejected record gets the partition's current stream time: it is
 * still processed (and sent to the dead-letter topic) but can never advance stream time and
 * close windows, whatever its own timestamp says.
 */
public final class EventTimeExtractor implements TimestampExtractor {

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof Ingested<?> ingested && ingested.isValid() && ingested.eventTime() > 0) {
      return ingested.eventTime();
    }
    // A negative timestamp would make Kafka Streams drop the record; 0 keeps it and moves nothing.
    return Math.max(partitionTime, 0L);
  }
}

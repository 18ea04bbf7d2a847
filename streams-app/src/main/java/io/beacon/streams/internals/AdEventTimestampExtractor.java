package io.beacon.streams.internals;

import io.beacon.avro.AdEvent;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time from {@code AdEvent.event_time}, so windows follow when things happened, not when
 * they arrived. A time too far in the future falls back to the record's own timestamp: one bad
 * clock must not advance stream time and close every open window (the processor rejects it).
 */
public final class AdEventTimestampExtractor implements TimestampExtractor {

  private final long maxClockSkewMs;

  public AdEventTimestampExtractor(Duration maxClockSkew) {
    this.maxClockSkewMs = maxClockSkew.toMillis();
  }

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof AdEvent event) {
      long eventTime = event.getEventTime().toEpochMilli();
      if (eventTime >= 0 && eventTime <= System.currentTimeMillis() + maxClockSkewMs) {
        return eventTime;
      }
    }
    return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
  }
}

package io.beacon.loadgen;

import io.beacon.avro.AdEvent;

/**
 * One record to send and what Beacon must do with it.
 *
 * @param key the Kafka key (the advertiser id, or a wrong one for an INVALID record)
 * @param event the event, or null for garbage bytes
 * @param garbage bytes that are no AdEvent, or null
 * @param outcome {@code COUNTED}, a reject reason name, or {@code DLQ}
 */
public record Planned(String key, AdEvent event, byte[] garbage, String outcome) {

  public static final String COUNTED = "COUNTED";
  public static final String DLQ = "DLQ";
}

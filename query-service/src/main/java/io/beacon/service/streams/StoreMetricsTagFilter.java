package io.beacon.service.streams;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Kafka Streams tags RocksDB metrics of window stores {@code rocksdb.window.state.id} and of
 * key-value stores {@code rocksdb.state.id}; Prometheus refuses two tag sets under one name, so
 * half the store metrics would be dropped. One tag name, {@code rocksdb.state.id}, keeps them all.
 */
@Singleton
final class StoreMetricsTagFilter implements MeterFilter {

  private static final String STORE_TAG = "rocksdb.state.id";
  private static final List<String> OTHER_STORE_TAGS = List.of("rocksdb.window.state.id", "rocksdb.session.state.id");

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!id.getName().startsWith("kafka.stream.state")) {
      return id;
    }
    for (String other : OTHER_STORE_TAGS) {
      String store = id.getTag(other);
      if (store != null) {
        List<Tag> tags = id.getTags().stream().filter(t -> !t.getKey().equals(other)).toList();
        return id.replaceTags(tags).withTag(Tag.of(STORE_TAG, store));
      }
    }
    return id;
  }
}

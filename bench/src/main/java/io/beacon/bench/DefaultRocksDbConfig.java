package io.beacon.bench;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/** Kafka Streams' own RocksDB defaults, to compare Beacon's bounded-memory settings against. */
public final class DefaultRocksDbConfig implements RocksDBConfigSetter {
  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {}

  @Override
  public void close(String storeName, Options options) {}
}

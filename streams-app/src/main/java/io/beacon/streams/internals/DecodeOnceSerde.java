package io.beacon.streams.internals;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde for a store that is read far more often than it changes, such as the advertisers global
 * table, which every event reads: each distinct stored value is decoded once and the decoded
 * object is given again for the same bytes. Decoding an advertiser's Avro value was most of that
 * read (JFR, BENCHMARKS.md). The objects are shared, so readers must not modify them.
 *
 * <p>At most {@code maxValues} decoded values are kept; when full, all are dropped and decoded
 * again as they are read. Safe for the stream threads and the query threads at once.
 */
public final class DecodeOnceSerde<T> implements Serde<T> {

  private final Serde<T> inner;
  private final int maxValues;
  private final Map<ByteBuffer, T> decoded = new ConcurrentHashMap<>();

  public DecodeOnceSerde(Serde<T> inner, int maxValues) {
    this.inner = inner;
    this.maxValues = maxValues;
  }

  @Override
  public Serializer<T> serializer() {
    return inner.serializer();
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      // A buffer compares by content. The kept key is a copy: the caller may reuse its array.
      T value = decoded.get(ByteBuffer.wrap(data));
      if (value == null) {
        value = inner.deserializer().deserialize(topic, data);
        if (decoded.size() >= maxValues) {
          decoded.clear();
        }
        decoded.put(ByteBuffer.wrap(data.clone()), value);
      }
      return value;
    };
  }
}

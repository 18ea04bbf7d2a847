package io.beacon.streams.internals;

import io.beacon.streams.Counts;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** {@link Counts} as three big-endian longs: 24 bytes, no schema, cheap on the per-event path. */
public final class CountsSerde implements Serde<Counts>, Serializer<Counts>, Deserializer<Counts> {

  private static final int SIZE = 3 * Long.BYTES;

  @Override
  public byte[] serialize(String topic, Counts counts) {
    if (counts == null) {
      return null;
    }
    return ByteBuffer.allocate(SIZE)
        .putLong(counts.views())
        .putLong(counts.impressions())
        .putLong(counts.clicks())
        .array();
  }

  @Override
  public Counts deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length != SIZE) {
      throw new SerializationException("counts must be " + SIZE + " bytes, got " + data.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(data);
    return new Counts(buffer.getLong(), buffer.getLong(), buffer.getLong());
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}

  @Override
  public Serializer<Counts> serializer() {
    return this;
  }

  @Override
  public Deserializer<Counts> deserializer() {
    return this;
  }
}

package io.beacon.streams.internals;

import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Wraps a serde so that a null value fails to deserialise: on the events topic a tombstone is a
 * bad record, and failing here sends it to the dead-letter topic like any other unreadable one.
 */
public final class RequiredValueSerde<T> implements Serde<T> {

  private final Serde<T> inner;

  public RequiredValueSerde(Serde<T> inner) {
    this.inner = inner;
  }

  @Override
  public Serializer<T> serializer() {
    return inner.serializer();
  }

  @Override
  public Deserializer<T> deserializer() {
    return new Deserializer<>() {
      @Override
      public void configure(Map<String, ?> configs, boolean isKey) {}

      @Override
      public T deserialize(String topic, byte[] data) {
        if (data == null) {
          throw new SerializationException("null value on " + topic + ": every record must carry a value");
        }
        return inner.deserializer().deserialize(topic, data);
      }
    };
  }
}

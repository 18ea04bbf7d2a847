package io.beacon.avro.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for Avro records in Avro's single-object encoding: a two-byte marker, the 8-byte
 * CRC-64-AVRO fingerprint of the writer schema, then the binary record. No schema registry is
 * needed; readers resolve the writer schema by fingerprint among the schemas they were built with
 * (the current one plus any older versions passed in).
 *
 * <p>Null values (tombstones) stay null both ways.
 */
public final class SingleObjectSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  /** Marker (C3 01) and the writer schema's fingerprint, little-endian. */
  private static final int HEADER_BYTES = 10;

  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final String recordName;
  private final byte[] currentHeader;
  private final DatumReader<T> currentReader;
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  public SingleObjectSerde(Schema schema, List<Schema> olderWriterSchemas) {
    SpecificData model = SpecificData.getForSchema(schema);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    olderWriterSchemas.forEach(decoder::addSchema);
    this.recordName = schema.getFullName();
    this.currentHeader = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .put((byte) 0xC3).put((byte) 0x01).putLong(SchemaNormalization.parsingFingerprint64(schema)).array();
    this.currentReader = model.createDatumReader(schema);
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot encode " + recordName + " for topic " + topic, e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      if (!Arrays.equals(data, 0, Math.min(HEADER_BYTES, data.length), currentHeader, 0, HEADER_BYTES)) {
        return decoder.decode(data); // an older writer schema, or bytes it will reject with the reason
      }
      // Written with the current schema, as nearly every record is: Avro's decoder finds the
      // reader by fingerprint in a map and reads through a stream, 5% of the stream thread
      // (async-profiler, BENCHMARKS.md); this reads the bytes after the header directly.
      BinaryDecoder in = DecoderFactory.get().binaryDecoder(data, HEADER_BYTES, data.length - HEADER_BYTES, decoders.get());
      decoders.set(in);
      return currentReader.read(null, in);
    } catch (IOException | RuntimeException e) {
      // MissingSchemaException (unknown fingerprint), BadHeaderException, AvroRuntimeException and
      // EOFException (truncated) all end here, with their message kept for the dead-letter header.
      throw new SerializationException(
          "cannot decode " + recordName + " from topic " + topic + ": " + describe(e), e);
    }
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }

  /** Encodes without a topic, for tests and tools. */
  public byte[] encode(T record) {
    return serialize("", record);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

}

package io.beacon.avro.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.avro.JsonProperties;
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
 * <p>A reader resolves only the fingerprints it knows, so a consumer still on a released schema
 * cannot read a record written with a newer one, however compatible. When the first older schema
 * passed in is a prefix of the current one (fields appended at the end, each with default null), a
 * record whose appended fields are all null is written with that older schema: during a rolling
 * upgrade, producers on the new schema stay readable by consumers on the old one until records
 * use what is new.
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
  /** The released schema's encoder, header and reader (into the current class), when it is a prefix of the current. */
  private final BinaryMessageEncoder<T> releasedEncoder;
  private final byte[] releasedHeader;
  private final DatumReader<T> releasedReader;
  /** Positions of the fields appended since the released schema. */
  private final int[] appended;
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  public SingleObjectSerde(Schema schema, List<Schema> olderWriterSchemas) {
    SpecificData model = SpecificData.getForSchema(schema);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    olderWriterSchemas.forEach(decoder::addSchema);
    this.recordName = schema.getFullName();
    this.currentHeader = header(schema);
    this.currentReader = model.createDatumReader(schema);
    Schema released = olderWriterSchemas.isEmpty() ? null : olderWriterSchemas.get(0);
    if (released != null && isPrefix(released, schema)) {
      this.releasedEncoder = new BinaryMessageEncoder<>(model, released);
      this.releasedHeader = header(released);
      // Read as the released schema into the current class: the appended fields are the last, so
      // every position read is the same in both, and those not read stay null. A resolving reader
      // (released to current) was a third slower a record (BENCHMARKS.md, Micro-benchmarks).
      this.releasedReader = model.createDatumReader(released);
      this.appended = IntStream.range(released.getFields().size(), schema.getFields().size()).toArray();
    } else {
      this.releasedEncoder = null;
      this.releasedHeader = null;
      this.releasedReader = null;
      this.appended = new int[0];
    }
  }

  /** Whether {@code current} is {@code released} with fields appended, each with default null. */
  private static boolean isPrefix(Schema released, Schema current) {
    List<Schema.Field> old = released.getFields();
    List<Schema.Field> now = current.getFields();
    if (now.size() <= old.size()) {
      return false;
    }
    for (int i = 0; i < old.size(); i++) {
      if (!old.get(i).name().equals(now.get(i).name())) {
        return false;
      }
    }
    for (int i = old.size(); i < now.size(); i++) {
      if (now.get(i).defaultVal() != JsonProperties.NULL_VALUE) {
        return false;
      }
    }
    return true;
  }

  private static byte[] header(Schema schema) {
    return ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .put((byte) 0xC3).put((byte) 0x01).putLong(SchemaNormalization.parsingFingerprint64(schema)).array();
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    try {
      ByteBuffer buffer = (releasedEncoder != null && appendedAreNull(record) ? releasedEncoder : encoder).encode(record);
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
      if (releasedHeader != null && Arrays.equals(data, 0, Math.min(HEADER_BYTES, data.length), releasedHeader, 0, HEADER_BYTES)) {
        return read(releasedReader, data);
      }
      if (!Arrays.equals(data, 0, Math.min(HEADER_BYTES, data.length), currentHeader, 0, HEADER_BYTES)) {
        return decoder.decode(data); // an older writer schema, or bytes it will reject with the reason
      }
      // Written with the current schema, as nearly every record is: Avro's decoder finds the
      // reader by fingerprint in a map and reads through a stream, 5% of the stream thread
      // (async-profiler, BENCHMARKS.md); this reads the bytes after the header directly.
      return read(currentReader, data);
    } catch (IOException | RuntimeException e) {
      // MissingSchemaException (unknown fingerprint), BadHeaderException, AvroRuntimeException and
      // EOFException (truncated) all end here, with their message kept for the dead-letter header.
      throw new SerializationException(
          "cannot decode " + recordName + " from topic " + topic + ": " + describe(e), e);
    }
  }

  /** The record after the header, read directly (Avro's decoder looks the reader up in a map and reads through a stream). */
  private T read(DatumReader<T> reader, byte[] data) throws IOException {
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(data, HEADER_BYTES, data.length - HEADER_BYTES, decoders.get());
    decoders.set(in);
    return reader.read(null, in);
  }

  private boolean appendedAreNull(T record) {
    for (int position : appended) {
      if (record.get(position) != null) {
        return false;
      }
    }
    return true;
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

package io.beacon.avro.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SingleObjectSerdeTest {

  private final SingleObjectSerde<AdEvent> serde = BeaconSerdes.adEvent();

  static AdEvent event() {
    return AdEvent.newBuilder()
        .setEventId("e-1")
        .setType(EventType.CLICK)
        .setEventTime(Instant.parse("2026-11-22T10:00:00Z"))
        .setAdvertiserId("adv-1")
        .setProductId("p-9")
        .setUserId("u-3")
        .build();
  }

  @Test
  void shouldRoundTripAnEventWithTheSchemaFingerprintInFront() {
    byte[] bytes = serde.serialize("t", event());
    // Single-object encoding starts with the marker C3 01.
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    assertEquals(event(), serde.deserialize("t", bytes));
  }

  @Test
  void shouldKeepTombstonesNull() {
    assertNull(serde.serialize("t", null));
    assertNull(serde.deserialize("t", null));
  }

  @Test
  void shouldRejectGarbageBytes() {
    SerializationException e =
        assertThrows(SerializationException.class, () -> serde.deserialize("t", "hello".getBytes()));
    assertTrue(e.getMessage().contains("cannot decode io.beacon.avro.AdEvent"), e.getMessage());
  }

  @Test
  void shouldRejectTruncatedRecords() {
    byte[] bytes = serde.serialize("t", event());
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 6);
    assertThrows(SerializationException.class, () -> serde.deserialize("t", truncated));
  }

  @Test
  void shouldRejectAnUnknownSchemaFingerprint() {
    byte[] bytes = serde.serialize("t", event());
    bytes[2] ^= 0x55; // corrupt the fingerprint
    SerializationException e =
        assertThrows(SerializationException.class, () -> serde.deserialize("t", bytes));
    assertTrue(e.getMessage().contains("MissingSchemaException"), e.getMessage());
  }

  @Test
  void shouldDecodeARecordAnOlderWriterSchemaWroteWhenBuiltWithIt() throws Exception {
    Schema current = AdEvent.getClassSchema();
    Schema older = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false,
        current.getFields().stream().filter(f -> !f.name().equals("placement")).map(f -> new Schema.Field(f, f.schema())).toList());
    assertNull(older.getField("placement"), "the older schema lacks a field");
    GenericRecord written = new GenericData.Record(older);
    written.put("event_id", "e-old");
    written.put("type", new GenericData.EnumSymbol(older.getField("type").schema(), "VIEW"));
    written.put("event_time", 1_000L);
    written.put("advertiser_id", "adv-1");
    written.put("product_id", "p-1");
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(written);

    AdEvent read = new SingleObjectSerde<AdEvent>(AdEvent.getClassSchema(), List.of(older))
        .deserialize("t", Arrays.copyOfRange(bytes.array(), bytes.arrayOffset(), bytes.arrayOffset() + bytes.remaining()));

    assertEquals("e-old", read.getEventId());
    assertEquals(EventType.VIEW, read.getType());
    assertNull(read.getPlacement());
  }

  @Test
  void shouldEncodeTheSameRecordToTheSameBytes() {
    assertArrayEquals(serde.encode(event()), serde.encode(event()));
  }

  @Test
  void shouldWriteAnEventWithoutContextWithTheReleasedSchemaSoConsumersOnItReadIt() throws Exception {
    Schema released = BeaconSerdes.released("v1/AdEvent.avsc");
    org.apache.avro.message.BinaryMessageDecoder<GenericRecord> oldConsumer =
        new org.apache.avro.message.BinaryMessageDecoder<>(GenericData.get(), released);
    byte[] plain = serde.serialize("t", event());
    assertEquals("e-1", oldConsumer.decode(plain).get("event_id").toString(), "a consumer still on the released schema reads it");
    assertEquals(event(), serde.deserialize("t", plain));

    AdEvent withContext = AdEvent.newBuilder(event()).setContext(java.util.Map.of("device", "mobile")).build();
    byte[] rich = serde.serialize("t", withContext);
    assertEquals(withContext, serde.deserialize("t", rich));
    assertEquals("mobile", serde.deserialize("t", rich).getContext().get("device"));
    assertThrows(org.apache.avro.message.MissingSchemaException.class, () -> oldConsumer.decode(rich),
        "an event that uses the context needs consumers on the current schema: upgrade them first");
  }
}

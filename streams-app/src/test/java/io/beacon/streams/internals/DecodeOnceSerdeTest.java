package io.beacon.streams.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.serde.BeaconSerdes;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class DecodeOnceSerdeTest {

  private final Instant now = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void shouldDecodeTheSameBytesOnceAndChangedBytesAgain() {
    DecodeOnceSerde<Advertiser> serde = new DecodeOnceSerde<>(BeaconSerdes.advertiser(), 10);
    Deserializer<Advertiser> reader = serde.deserializer();
    byte[] active = serde.serializer().serialize("t", advertiser(AdvertiserStatus.ACTIVE));
    byte[] inactive = serde.serializer().serialize("t", advertiser(AdvertiserStatus.INACTIVE));

    Advertiser first = reader.deserialize("t", active.clone());
    assertSame(first, reader.deserialize("t", active.clone()), "the same bytes in a new array: decoded once");
    assertEquals(AdvertiserStatus.INACTIVE, reader.deserialize("t", inactive).getStatus());
    assertEquals(AdvertiserStatus.ACTIVE, reader.deserialize("t", active).getStatus());
    assertNull(reader.deserialize("t", null));
  }

  @Test
  void shouldKeepItsKeyWhenTheCallerReusesItsArray() {
    DecodeOnceSerde<Advertiser> serde = new DecodeOnceSerde<>(BeaconSerdes.advertiser(), 10);
    byte[] active = serde.serializer().serialize("t", advertiser(AdvertiserStatus.ACTIVE));
    byte[] reused = active.clone();
    serde.deserializer().deserialize("t", reused);
    Arrays.fill(reused, (byte) 0);

    assertEquals(AdvertiserStatus.ACTIVE, serde.deserializer().deserialize("t", active).getStatus());
  }

  @Test
  void shouldDecodeAgainAfterItDroppedEverythingWhenFull() {
    DecodeOnceSerde<Advertiser> serde = new DecodeOnceSerde<>(BeaconSerdes.advertiser(), 1);
    byte[] active = serde.serializer().serialize("t", advertiser(AdvertiserStatus.ACTIVE));
    byte[] paused = serde.serializer().serialize("t", advertiser(AdvertiserStatus.PAUSED));
    Advertiser first = serde.deserializer().deserialize("t", active);

    serde.deserializer().deserialize("t", paused);

    assertNotSame(first, serde.deserializer().deserialize("t", active));
  }

  private Advertiser advertiser(AdvertiserStatus status) {
    return Advertiser.newBuilder().setAdvertiserId("adv-1").setName("One").setStatus(status).setUpdatedAt(now).build();
  }
}

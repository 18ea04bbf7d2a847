package io.beacon.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EventDecodeBenchmarkTest {

  @Test
  void bothDecodersReadTheSameEventFromTheSameBytes() throws Exception {
    EventDecodeBenchmark benchmark = new EventDecodeBenchmark();
    benchmark.setUp();

    assertEquals(benchmark.avroMessageDecoder(), benchmark.beaconSerde());
    assertEquals("lg1-adv-17", benchmark.beaconSerde().getAdvertiserId());
  }
}

package io.beacon.bench;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.avro.serde.BeaconSerdes;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.serialization.Deserializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding one event from the bytes Kafka holds, as the stream thread does for every record:
 * Beacon's serde, which reads a record straight after its 10-byte single-object header (an event
 * without context, written with the released schema, read as that schema into the current class), beside Avro's own {@link BinaryMessageDecoder}, which finds the reader by
 * the header's fingerprint and reads through a stream (what the serde did before; BENCHMARKS.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventDecodeBenchmark {

  private static final String TOPIC = "beacon.events";

  private byte[] record;
  private Deserializer<AdEvent> beaconSerde;
  private BinaryMessageDecoder<AdEvent> avroDecoder;

  @Setup
  public void setUp() {
    AdEvent event = AdEvent.newBuilder()
        .setEventId("0f8fad5b-d9cb-469f-a165-70867728950e")
        .setType(EventType.VIEW)
        .setAdvertiserId("lg1-adv-17")
        .setProductId("lg1-adv-17-p42")
        .setUserId("u-123456")
        .setEventTime(Instant.parse("2026-12-05T20:00:00Z"))
        .build();
    record = BeaconSerdes.adEvent().serialize(TOPIC, event);
    beaconSerde = BeaconSerdes.adEvent().deserializer();
    // Events without context are written with the released schema; Avro's decoder resolves it to the current one.
    avroDecoder = new BinaryMessageDecoder<>(SpecificData.getForSchema(AdEvent.getClassSchema()), AdEvent.getClassSchema());
    avroDecoder.addSchema(BeaconSerdes.released("v1/AdEvent.avsc"));
  }

  @Benchmark
  public AdEvent beaconSerde() {
    return beaconSerde.deserialize(TOPIC, record);
  }

  @Benchmark
  public AdEvent avroMessageDecoder() throws IOException {
    return avroDecoder.decode(record);
  }
}

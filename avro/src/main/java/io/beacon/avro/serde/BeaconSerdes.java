package io.beacon.avro.serde;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.ChampionPin;
import io.beacon.avro.Example;
import io.beacon.avro.ModelVersion;
import io.beacon.avro.Product;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The serdes for Beacon's topics. Older writer schemas are added here when a schema evolves.
 *
 * <p>Each is built once and shared: building one fingerprints its schema, which cost the collector
 * 30% of its CPU and loadgen 10% when done per event (JFR), and Avro's message encoders and
 * decoders are thread-safe.
 */
public final class BeaconSerdes {

  private static final SingleObjectSerde<AdEvent> AD_EVENT = new SingleObjectSerde<>(AdEvent.getClassSchema(),
      List.of(released("v1/AdEvent.avsc")));
  private static final SingleObjectSerde<Advertiser> ADVERTISER = new SingleObjectSerde<>(Advertiser.getClassSchema(), List.of());
  private static final SingleObjectSerde<Product> PRODUCT = new SingleObjectSerde<>(Product.getClassSchema(), List.of());
  private static final SingleObjectSerde<Example> EXAMPLE = new SingleObjectSerde<>(Example.getClassSchema(), List.of());
  private static final SingleObjectSerde<ModelVersion> MODEL_VERSION = new SingleObjectSerde<>(ModelVersion.getClassSchema(), List.of());
  private static final SingleObjectSerde<ChampionPin> CHAMPION_PIN = new SingleObjectSerde<>(ChampionPin.getClassSchema(), List.of());

  private BeaconSerdes() {}

  /** A released schema, kept under {@code released/} in this module's resources. */
  public static Schema released(String path) {
    try (InputStream in = BeaconSerdes.class.getClassLoader().getResourceAsStream("released/" + path)) {
      if (in == null) {
        throw new IllegalStateException("released schema released/" + path + " is not on the classpath");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SingleObjectSerde<AdEvent> adEvent() {
    return AD_EVENT;
  }

  public static SingleObjectSerde<Advertiser> advertiser() {
    return ADVERTISER;
  }

  public static SingleObjectSerde<Product> product() {
    return PRODUCT;
  }

  public static SingleObjectSerde<Example> example() {
    return EXAMPLE;
  }

  public static SingleObjectSerde<ModelVersion> modelVersion() {
    return MODEL_VERSION;
  }

  public static SingleObjectSerde<ChampionPin> championPin() {
    return CHAMPION_PIN;
  }
}

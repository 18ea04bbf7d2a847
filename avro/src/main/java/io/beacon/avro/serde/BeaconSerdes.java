package io.beacon.avro.serde;

import io.beacon.avro.AdEvent;
import io.beacon.avro.Advertiser;
import io.beacon.avro.Product;
import java.util.List;

/** The serdes for Beacon's topics. Older writer schemas are added here when a schema evolves. */
public final class BeaconSerdes {

  private BeaconSerdes() {}

  public static SingleObjectSerde<AdEvent> adEvent() {
    return new SingleObjectSerde<>(AdEvent.getClassSchema(), List.of());
  }

  public static SingleObjectSerde<Advertiser> advertiser() {
    return new SingleObjectSerde<>(Advertiser.getClassSchema(), List.of());
  }

  public static SingleObjectSerde<Product> product() {
    return new SingleObjectSerde<>(Product.getClassSchema(), List.of());
  }
}

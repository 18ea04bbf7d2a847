import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.avro.serde.BeaconSerdes;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes one AdEvent to beacon.events the way any producer must: key = advertiser id (so the
 * advertiser's counts stay on one partition), value = Avro single-object encoding of AdEvent.
 *
 * Run (after ./beacon start, which builds query-service/target/lib):
 *   java -cp 'query-service/target/beacon.jar:query-service/target/lib/*' examples/ProduceEvent.java 127.0.0.1:9092 acme-shoes acme-shoes-p1 click
 */
public class ProduceEvent {
  public static void main(String[] args) throws Exception {
    String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
    String advertiser = args.length > 1 ? args[1] : "acme-shoes";
    String product = args.length > 2 ? args[2] : "acme-shoes-p1";
    EventType type = EventType.valueOf((args.length > 3 ? args[3] : "view").toUpperCase());
    AdEvent event = AdEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setType(type)
        .setEventTime(Instant.now())
        .setAdvertiserId(advertiser)
        .setProductId(product)
        .build();
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, AdEvent> producer =
        new KafkaProducer<>(config, new StringSerializer(), BeaconSerdes.adEvent())) {
      producer.send(new ProducerRecord<>("beacon.events", advertiser, event)).get();
    }
    System.out.println("sent " + event.getEventId() + " (" + type + " of " + product + " for " + advertiser + ")");
  }
}

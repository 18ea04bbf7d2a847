package io.beacon.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.avro.AdEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Beacon must report after a run: counts per advertiser and product, per advertiser and
 * minute, events accepted, rejected by reason, and records sent to the dead-letter topic. Saved as
 * JSON next to the run, and read back by {@link Verifier}.
 */
public final class GroundTruth {

  /** Views, impressions and clicks. */
  public record Counts(long views, long impressions, long clicks) {
    Counts plus(AdEvent event) {
      return switch (event.getType()) {
        case VIEW -> new Counts(views + 1, impressions, clicks);
        case IMPRESSION -> new Counts(views, impressions + 1, clicks);
        case CLICK -> new Counts(views, impressions, clicks + 1);
      };
    }
  }

  /** One advertiser's expected counts: by product over the whole run, and by minute (epoch minute). */
  public record Advertiser(Map<String, Counts> products, Map<Long, Counts> minutes) {}

  public long sent;
  public long accepted;
  public long dlq;
  public Map<String, Long> rejected = new TreeMap<>();
  public Map<String, Advertiser> advertisers = new TreeMap<>();
  public String queryAt;
  /**
   * Duplicates that may or may not have reached Kafka: events of a batch resend whose earlier
   * attempt failed in a way that may have written part of it (no answer in time, a 503). Each
   * reached Kafka at most once more, as a DUPLICATE; the counts do not depend on it.
   */
  public long uncertainDuplicates;

  public static GroundTruth of(TrafficPlan plan) {
    GroundTruth truth = new GroundTruth();
    truth.queryAt = plan.queryAt().toString();
    for (String reason : new String[] {"UNKNOWN_ADVERTISER", "INACTIVE_ADVERTISER", "LATE", "DUPLICATE", "INVALID"}) {
      truth.rejected.put(reason, 0L);
    }
    return truth;
  }

  /** Adds what Beacon must do with one record. */
  public synchronized void record(Planned planned) {
    sent++;
    switch (planned.outcome()) {
      case Planned.COUNTED -> {
        accepted++;
        AdEvent event = planned.event();
        Advertiser advertiser = advertisers.computeIfAbsent(event.getAdvertiserId(), a -> new Advertiser(new TreeMap<>(), new TreeMap<>()));
        advertiser.products().merge(event.getProductId(), new Counts(0, 0, 0).plus(event), (old, one) -> old.plus(event));
        long minute = event.getEventTime().toEpochMilli() / 60_000;
        advertiser.minutes().merge(minute, new Counts(0, 0, 0).plus(event), (old, one) -> old.plus(event));
      }
      case Planned.DLQ -> dlq++;
      default -> rejected.merge(planned.outcome(), 1L, Long::sum);
    }
  }

  public void save(Path file) throws IOException {
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
  }

  public static GroundTruth load(Path file) throws IOException {
    return new ObjectMapper().readValue(file.toFile(), GroundTruth.class);
  }

  /** Adds {@code events} resent after an attempt that may have written them already. */
  public synchronized void uncertainDuplicates(int events) {
    uncertainDuplicates += events;
  }

  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }
}

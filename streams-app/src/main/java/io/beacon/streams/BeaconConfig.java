package io.beacon.streams;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the topology and its Kafka Streams runtime need, typed. The HTTP layer builds it from
 * {@code application.yml} and the environment; tests build it with {@link #defaults(String)}.
 *
 * @param applicationId Kafka Streams {@code application.id}: names the consumer group, the
 *     changelog and repartition topics. Changing it starts from empty state.
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port]}
 * @param topics topic names
 * @param stateDir where RocksDB keeps the stores
 * @param processingGuarantee {@code exactly_once_v2} (default) or {@code at_least_once}
 * @param grace how long after a window's end late events are still counted
 * @param dedupWindow an event id seen again within this time of the first is dropped
 * @param maxClockSkew events stamped further than this in the future (by the wall clock) are
 *     rejected as INVALID, so a bad clock cannot push stream time forward and close live windows
 * @param ctrPriorImpressions the weight, in impressions, of the advertiser's own CTR in a
 *     product's smoothed CTR
 * @param ctrMinImpressions products with fewer impressions in the window are left out of top-CTR
 * @param rocksDbCacheBytes one block cache shared by every RocksDB store of the instance; write
 *     buffers are charged to it too, so this bounds RocksDB's memory
 * @param dedupFilterBytes heap for the Bloom filters of stored event ids, all tasks of the
 *     instance: 12 bits an id; past it the dedup check reads RocksDB for every event, as exact
 * @param personal the bounds and weights of personal recommendations
 * @param predict click prediction: attribution, the models' settings, versions
 * @param kafka extra Kafka client settings passed through unchanged (security, timeouts)
 */
public record BeaconConfig(
    String applicationId,
    String bootstrapServers,
    BeaconTopics topics,
    String stateDir,
    String processingGuarantee,
    Duration grace,
    Duration dedupWindow,
    Duration maxClockSkew,
    int ctrPriorImpressions,
    int ctrMinImpressions,
    long rocksDbCacheBytes,
    long dedupFilterBytes,
    PersonalConfig personal,
    PredictConfig predict,
    Map<String, String> kafka) {

  public static final String EXACTLY_ONCE_V2 = "exactly_once_v2";
  public static final String AT_LEAST_ONCE = "at_least_once";

  public BeaconConfig {
    require(applicationId, "beacon.application-id");
    require(bootstrapServers, "kafka.bootstrap-servers (KAFKA_BOOTSTRAP_SERVERS)");
    checkAddresses(bootstrapServers);
    Objects.requireNonNull(topics, "topics");
    require(stateDir, "beacon.state-dir");
    if (!EXACTLY_ONCE_V2.equals(processingGuarantee) && !AT_LEAST_ONCE.equals(processingGuarantee)) {
      throw new IllegalArgumentException(
          "beacon.processing-guarantee must be exactly_once_v2 or at_least_once, was "
              + processingGuarantee);
    }
    positive(grace, "beacon.grace", true);
    positive(dedupWindow, "beacon.dedup-window", false);
    positive(maxClockSkew, "beacon.max-clock-skew", true);
    if (ctrPriorImpressions < 0) {
      throw new IllegalArgumentException("beacon.ctr.prior-impressions must be >= 0");
    }
    if (ctrMinImpressions < 1) {
      throw new IllegalArgumentException("beacon.ctr.min-impressions must be >= 1");
    }
    if (rocksDbCacheBytes < 1024 * 1024) {
      throw new IllegalArgumentException("beacon.rocksdb.cache-bytes must be at least 1 MiB");
    }
    if (dedupFilterBytes < 1024 * 1024) {
      throw new IllegalArgumentException("beacon.dedup-filter-bytes must be at least 1 MiB");
    }
    Objects.requireNonNull(personal, "personal");
    Objects.requireNonNull(predict, "predict");
    kafka = Map.copyOf(kafka == null ? Map.of() : kafka);
  }

  /** Defaults for one local instance; the values {@code application.yml} documents. */
  public static BeaconConfig defaults(String bootstrapServers) {
    return new BeaconConfig(
        "beacon",
        bootstrapServers,
        new BeaconTopics(BeaconTopics.DEFAULT_PREFIX),
        System.getProperty("java.io.tmpdir") + "/beacon-state",
        EXACTLY_ONCE_V2,
        Duration.ofHours(1),
        Duration.ofHours(1),
        Duration.ofMinutes(5),
        100,
        100,
        256L * 1024 * 1024,
        64L * 1024 * 1024,
        PersonalConfig.defaults(),
        PredictConfig.defaults(),
        Map.of());
  }

  public BeaconConfig withApplicationId(String id) {
    return new BeaconConfig(id, bootstrapServers, topics, stateDir, processingGuarantee, grace,
        dedupWindow, maxClockSkew, ctrPriorImpressions, ctrMinImpressions, rocksDbCacheBytes, dedupFilterBytes, personal, predict, kafka);
  }

  public BeaconConfig withStateDir(String dir) {
    return new BeaconConfig(applicationId, bootstrapServers, topics, dir, processingGuarantee, grace,
        dedupWindow, maxClockSkew, ctrPriorImpressions, ctrMinImpressions, rocksDbCacheBytes, dedupFilterBytes, personal, predict, kafka);
  }

  public BeaconConfig withPersonal(PersonalConfig settings) {
    return new BeaconConfig(applicationId, bootstrapServers, topics, stateDir, processingGuarantee, grace,
        dedupWindow, maxClockSkew, ctrPriorImpressions, ctrMinImpressions, rocksDbCacheBytes, dedupFilterBytes, settings, predict, kafka);
  }

  public BeaconConfig withPredict(PredictConfig settings) {
    return new BeaconConfig(applicationId, bootstrapServers, topics, stateDir, processingGuarantee, grace,
        dedupWindow, maxClockSkew, ctrPriorImpressions, ctrMinImpressions, rocksDbCacheBytes, dedupFilterBytes, personal, settings, kafka);
  }

  /**
   * How long the dedup store keeps an event id: as long as any bucket can still take an event of
   * its time (the day buckets' retention), so that a backfill is checked against every id counted
   * in its range, live or backfilled; plus the window on either side that an id's bucket reaches.
   */
  public Duration dedupRetention() {
    return Duration.ofMillis(Resolution.longestRetentionMs()).plus(dedupWindow.multipliedBy(2));
  }

  /**
   * How far back from stream time the dedup checks of live events reach: a live event may be up to
   * the grace period old, and ids are kept in buckets a dedup window long, whose neighbours are
   * checked too. Only this span has Bloom filters; older buckets, which only backfilled events
   * check, are read from the store.
   */
  public Duration dedupLiveReach() {
    return grace.plus(dedupWindow.multipliedBy(2));
  }

  /** host:port[,host:port]: a typo here otherwise shows up as a client retrying forever. */
  private static void checkAddresses(String bootstrapServers) {
    for (String address : bootstrapServers.split(",", -1)) {
      String a = address.strip();
      int colon = a.lastIndexOf(':');
      boolean valid = colon > 0 && colon < a.length() - 1 && a.substring(colon + 1).chars().allMatch(Character::isDigit)
          && a.length() - colon <= 6 && Integer.parseInt(a.substring(colon + 1)) <= 65535 && Integer.parseInt(a.substring(colon + 1)) > 0;
      if (!valid) {
        throw new IllegalArgumentException("kafka.bootstrap-servers (KAFKA_BOOTSTRAP_SERVERS) must be host:port[,host:port...],"
            + " was '" + bootstrapServers + "'");
      }
    }
  }

  private static void require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
  }

  private static void positive(Duration value, String name, boolean zeroAllowed) {
    if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
      throw new IllegalArgumentException(name + " must be a " + (zeroAllowed ? "non-negative" : "positive") + " duration, was " + value);
    }
  }
}

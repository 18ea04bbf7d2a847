package io.beacon.streams;

import io.beacon.streams.predict.Attribution;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Told of every event the topology counts or rejects, as it happens, so the application can keep
 * metrics (rates, freshness) without the topology knowing about them. Called on stream threads:
 * implementations must be thread-safe and quick.
 */
public interface ProcessingListener {

  /**
   * The header the collector puts on each event: when it accepted the event (epoch milliseconds,
   * decimal). Freshness is measured from it.
   */
  String ACCEPTED_AT_HEADER = "beacon.accepted-at";

  ProcessingListener NONE = new ProcessingListener() {
    @Override
    public void counted(String advertiserId, long sinceAcceptedMs) {}

    @Override
    public void rejected(String advertiserId, RejectReason reason) {}
  };

  /**
   * An event is in the counts, visible to queries.
   *
   * @param sinceAcceptedMs milliseconds since the collector accepted it, or -1 when the event came
   *     without {@link #ACCEPTED_AT_HEADER} (written to Kafka by another producer)
   */
  void counted(String advertiserId, long sinceAcceptedMs);

  void rejected(String advertiserId, RejectReason reason);

  /**
   * An event's dedup check read the dedup store: the Bloom filter of a bucket could not rule its id
   * out. That is expected for duplicates and about 1% of new ids; a higher share means the filters
   * are at their bound ({@code beacon.dedup-filter-bytes}) and each event costs RocksDB reads.
   */
  default void dedupStoreRead() {}

  /**
   * An event's dedup check found its bucket without a complete filter, and read the dedup store
   * (as {@link #dedupStoreRead()} also tells): the filter was dropped for room, or when the task
   * started its ids did not match the bucket's recorded count. Exact either way, but each such
   * check costs RocksDB reads.
   */
  default void dedupCheckWithoutFilter() {}

  /** What click attribution did with a counted impression or click. */
  default void attributed(String advertiserId, Attribution outcome) {}

  /** The models learned {@code examples} examples, {@code clicked} of them clicked. */
  default void trained(int examples, int clicked) {}

  static byte[] acceptedAt(long epochMs) {
    return Long.toString(epochMs).getBytes(StandardCharsets.UTF_8);
  }

  /** The time in {@link #ACCEPTED_AT_HEADER}, or -1 when it is absent or unreadable. */
  static long acceptedAt(Headers headers) {
    Header header = headers.lastHeader(ACCEPTED_AT_HEADER);
    if (header == null || header.value() == null) {
      return -1;
    }
    try {
      return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

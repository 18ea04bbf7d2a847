package io.beacon.streams.personal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.ObjDoubleConsumer;
import org.apache.kafka.streams.KeyValue;

/**
 * One product's side of the co-occurrence model: how often users interacted with it, and how often
 * each other product was interacted with by the same user within the co-visit window of it, both
 * decayed ({@link Decay}: each count is kept as a value and the time it refers to).
 *
 * <p>Bound. Answers use the strongest {@code maxNeighbours} neighbours. Up to {@link #slack} more
 * are kept between prunings, so that a new neighbour has a chance to grow and a pruning, which
 * rewrites every bucket, comes once per {@code slack} new neighbours rather than with each. Which
 * neighbour is stronger does not depend on the time it is asked at: decay scales every count by
 * the same factor.
 *
 * <p>Stored records. Co-visits change often, and a commit writes every changed record to RocksDB
 * and its changelog: with a product's whole neighbourhood in one record, each co-visit would
 * rewrite up to {@code maxNeighbours} entries (BENCHMARKS.md, Personal recommendations). So a product has a
 * head record ({@link #headKey}: its occurrences) and {@link #BUCKETS} bucket records (the head key
 * and one hex digit), each holding the neighbours whose {@link #bucketOf} it is: a co-visit
 * rewrites one bucket and the head. All of a product's records share the head key as prefix, the
 * head first; product ids hold no control characters ({@code EventRules.idProblem}), so no other
 * product's key begins with it.
 */
final class Neighbourhood {

  /**
   * How many buckets a product's neighbours are stored in. Part of the stored format: records
   * written with another number would put a neighbour in two buckets.
   */
  static final int BUCKETS = 16;

  /** A kept neighbour and its co-visits, decayed to the time asked for. */
  record Neighbour(String productId, double together) {}

  /** A decayed count and the time it is worth that at. */
  private record Counted(double value, long at) {
    Counted plus(double amount, long time, Decay decay) {
      long newest = Math.max(at, time);
      return new Counted(decay.at(value, at, newest) + decay.at(amount, time, newest), newest);
    }
  }

  private static final Counted NONE = new Counted(0, Long.MIN_VALUE);
  private static final Comparator<Neighbour> STRONGEST_FIRST =
      Comparator.comparingDouble((Neighbour n) -> -n.together()).thenComparing(Neighbour::productId);

  private Counted occurrences = NONE;
  @SuppressWarnings("unchecked")
  private final Map<String, Counted>[] buckets = new Map[BUCKETS];
  private int size;
  private boolean headChanged;
  /** Bit b set: bucket b changed since the last {@link #writeChanges}. */
  private int changedBuckets;

  Neighbourhood() {
    for (int b = 0; b < BUCKETS; b++) {
      buckets[b] = new HashMap<>();
    }
  }

  /** The key of a product's head record; its bucket records add one hex digit. */
  static String headKey(String advertiserId, String productId) {
    return advertiserId + '\n' + productId + '\n';
  }

  /**
   * The bucket of a neighbour: from {@link String#hashCode}, which the Java language specification
   * fixes, so the same on every JVM and release. It must never change (see {@link #BUCKETS}).
   */
  static int bucketOf(String productId) {
    return Math.floorMod(productId.hashCode(), BUCKETS);
  }

  /** How many neighbours past {@code maxNeighbours} are kept before the weakest are pruned. */
  static int slack(int maxNeighbours) {
    return Math.max(1, maxNeighbours / 4);
  }

  /** One more interaction with this product, at {@code time}. */
  void occurred(long time, Decay decay) {
    occurrences = occurrences.value == 0 ? new Counted(1, time) : occurrences.plus(1, time, decay);
    headChanged = true;
  }

  /**
   * One more co-visit with {@code other} at {@code time}. Past {@code maxNeighbours} plus the
   * {@link #slack}, only the strongest {@code maxNeighbours} are kept, ties by product id.
   */
  void coVisited(String other, long time, Decay decay, int maxNeighbours) {
    int b = bucketOf(other);
    Counted known = buckets[b].get(other);
    buckets[b].put(other, known == null ? new Counted(1, time) : known.plus(1, time, decay));
    changedBuckets |= 1 << b;
    if (known == null && ++size > maxNeighbours + slack(maxNeighbours)) {
      List<Neighbour> ranked = all(time, decay);
      ranked.sort(STRONGEST_FIRST);
      for (Neighbour weak : ranked.subList(maxNeighbours, ranked.size())) {
        int weakBucket = bucketOf(weak.productId());
        buckets[weakBucket].remove(weak.productId());
        changedBuckets |= 1 << weakBucket;
      }
      size = maxNeighbours;
    }
  }

  /** Interactions with this product, decayed to {@code time}. */
  double occurrences(long time, Decay decay) {
    return occurrences.value == 0 ? 0 : decay.at(occurrences.value, occurrences.at, time);
  }

  /** Each of the strongest {@code maxNeighbours} with its co-visits at {@code time}, in no particular order. */
  void forEachNeighbour(long time, Decay decay, int maxNeighbours, ObjDoubleConsumer<String> action) {
    if (size <= maxNeighbours) {
      for (Map<String, Counted> bucket : buckets) {
        bucket.forEach((id, counted) -> action.accept(id, decay.at(counted.value, counted.at, time)));
      }
    } else {
      neighbours(time, decay, maxNeighbours).forEach(n -> action.accept(n.productId(), n.together()));
    }
  }

  /** The strongest {@code maxNeighbours} with their co-visits at {@code time}, strongest first, ties by product id. */
  List<Neighbour> neighbours(long time, Decay decay, int maxNeighbours) {
    List<Neighbour> ranked = all(time, decay);
    ranked.sort(STRONGEST_FIRST);
    return ranked.size() <= maxNeighbours ? ranked : new ArrayList<>(ranked.subList(0, maxNeighbours));
  }

  /** How many neighbours are kept, the slack included. */
  int size() {
    return size;
  }

  private List<Neighbour> all(long time, Decay decay) {
    List<Neighbour> all = new ArrayList<>(size);
    for (Map<String, Counted> bucket : buckets) {
      bucket.forEach((id, counted) -> all.add(new Neighbour(id, decay.at(counted.value, counted.at, time))));
    }
    return all;
  }

  /**
   * Adds the records changed since the last call to {@code writes}, under the product's {@code
   * headKey}: the head when the occurrences changed, and each changed bucket, null (a delete) when
   * it became empty.
   */
  void writeChanges(String headKey, List<KeyValue<String, byte[]>> writes) {
    if (headChanged) {
      writes.add(KeyValue.pair(headKey, ByteBuffer.allocate(16).putDouble(occurrences.value).putLong(occurrences.at).array()));
      headChanged = false;
    }
    for (int b = 0; b < BUCKETS; b++) {
      if ((changedBuckets & (1 << b)) != 0) {
        writes.add(KeyValue.pair(headKey + Character.forDigit(b, 16), buckets[b].isEmpty() ? null : bucketBytes(buckets[b])));
      }
    }
    changedBuckets = 0;
  }

  /** A bucket record: the number of neighbours, then each one's id, co-visits and their time. */
  private static byte[] bucketBytes(Map<String, Counted> bucket) {
    List<byte[]> ids = new ArrayList<>(bucket.size());
    int size = 4;
    for (String id : bucket.keySet()) {
      byte[] utf8 = RecordBytes.utf8(id);
      ids.add(utf8);
      size += RecordBytes.idSize(utf8) + 16;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(bucket.size());
    int i = 0;
    for (Counted counted : bucket.values()) {
      RecordBytes.putId(out, ids.get(i++));
      out.putDouble(counted.value).putLong(counted.at);
    }
    return out.array();
  }

  /** {@link #occurrences} of a stored head record. */
  static double occurrencesOf(byte[] head, long time, Decay decay) {
    ByteBuffer in = ByteBuffer.wrap(head);
    double value = in.getDouble();
    long at = in.getLong();
    return value == 0 ? 0 : decay.at(value, at, time);
  }

  /**
   * Reads a product's records, in key order (the head first), as a scan of its head key as prefix
   * gives them; an empty neighbourhood if there are none.
   */
  static Neighbourhood read(String headKey, Iterator<KeyValue<String, byte[]>> records) {
    Neighbourhood read = new Neighbourhood();
    try {
      while (records.hasNext()) {
        KeyValue<String, byte[]> record = records.next();
        ByteBuffer in = ByteBuffer.wrap(record.value);
        if (record.key.length() == headKey.length()) {
          read.occurrences = new Counted(in.getDouble(), in.getLong());
          continue;
        }
        Map<String, Counted> bucket = read.buckets[Character.digit(record.key.charAt(headKey.length()), 16)];
        int count = in.getInt();
        for (int i = 0; i < count; i++) {
          bucket.put(RecordBytes.getId(in), new Counted(in.getDouble(), in.getLong()));
        }
        read.size += count;
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("co-occurrence records under " + headKey.replace('\n', '/') + " that are not ones", e);
    }
    return read;
  }
}

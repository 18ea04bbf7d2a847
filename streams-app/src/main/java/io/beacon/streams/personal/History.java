package io.beacon.streams.personal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's recent interest in an advertiser's products: per product, when the user last viewed or
 * clicked it and a decayed affinity (a view weighs 1, a click the click weight). At most {@code
 * size} products, the least recently touched going first, and none touched longer than {@code ttl}
 * before the newest interaction.
 */
final class History {

  /** One product of the history. */
  record Entry(String productId, long lastTime, double affinity, long affinityAt) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /**
   * Records an interaction with {@code productId} at {@code time} of {@code weight}; the products
   * of the history touched within {@code window} of it, before this one counts: the co-visits it
   * makes.
   */
  List<String> record(String productId, long time, double weight, long window, int size, long ttl, Decay decay) {
    List<String> coVisited = new ArrayList<>();
    for (Entry entry : entries.values()) {
      if (!entry.productId().equals(productId) && Math.abs(time - entry.lastTime()) <= window) {
        coVisited.add(entry.productId());
      }
    }
    Entry known = entries.remove(productId);
    long at = known == null ? time : Math.max(known.affinityAt(), time);
    double affinity = (known == null ? 0 : decay.at(known.affinity(), known.affinityAt(), at)) + decay.at(weight, time, at);
    entries.put(productId, new Entry(productId, known == null ? time : Math.max(known.lastTime(), time), affinity, at));
    long newest = newestTime();
    entries.values().removeIf(entry -> entry.lastTime() < newest - ttl);
    while (entries.size() > size) {
      Entry oldest = entries.values().stream().min(Comparator.comparingLong(Entry::lastTime)
          .thenComparing(Entry::productId)).orElseThrow();
      entries.remove(oldest.productId());
    }
    return coVisited;
  }

  /** The products of the history, most recently touched first. */
  List<Entry> entries() {
    List<Entry> sorted = new ArrayList<>(entries.values());
    sorted.sort(Comparator.comparingLong(Entry::lastTime).reversed().thenComparing(Entry::productId));
    return sorted;
  }

  /** When the user last touched a product of the history; {@link Long#MIN_VALUE} for an empty one. */
  long newestTime() {
    long newest = Long.MIN_VALUE;
    for (Entry entry : entries.values()) {
      newest = Math.max(newest, entry.lastTime());
    }
    return newest;
  }

  boolean contains(String productId) {
    return entries.containsKey(productId);
  }

  int size() {
    return entries.size();
  }

  /** The stored record: the number of entries, then each entry's id, last time, affinity and affinity's time. */
  byte[] toBytes() {
    List<byte[]> ids = new ArrayList<>(entries.size());
    int size = 4;
    for (Entry entry : entries.values()) {
      byte[] id = RecordBytes.utf8(entry.productId());
      ids.add(id);
      size += RecordBytes.idSize(id) + 24;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(entries.size());
    int i = 0;
    for (Entry entry : entries.values()) {
      RecordBytes.putId(out, ids.get(i++));
      out.putLong(entry.lastTime()).putDouble(entry.affinity()).putLong(entry.affinityAt());
    }
    return out.array();
  }

  static History fromBytes(byte[] bytes) {
    History read = new History();
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      int count = in.getInt();
      for (int i = 0; i < count; i++) {
        Entry entry = new Entry(RecordBytes.getId(in), in.getLong(), in.getDouble(), in.getLong());
        read.entries.put(entry.productId(), entry);
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("a user history that is not one", e);
    }
    return read;
  }
}

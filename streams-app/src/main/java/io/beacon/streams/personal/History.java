package io.beacon.streams.personal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    long newest = entries.values().stream().mapToLong(Entry::lastTime).max().orElse(time);
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

  boolean contains(String productId) {
    return entries.containsKey(productId);
  }

  int size() {
    return entries.size();
  }

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + entries.size() * 40);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(entries.size());
      for (Entry entry : entries.values()) {
        out.writeUTF(entry.productId());
        out.writeLong(entry.lastTime());
        out.writeDouble(entry.affinity());
        out.writeLong(entry.affinityAt());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static History fromBytes(byte[] bytes) {
    History read = new History();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        Entry entry = new Entry(in.readUTF(), in.readLong(), in.readDouble(), in.readLong());
        read.entries.put(entry.productId(), entry);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("a user history that is not one", e);
    }
    return read;
  }
}

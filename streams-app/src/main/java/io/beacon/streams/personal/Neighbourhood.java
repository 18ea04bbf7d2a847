package io.beacon.streams.personal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.ObjDoubleConsumer;

/**
 * One product's side of the co-occurrence model: how often users interacted with it, and how often
 * each other product was interacted with by the same user within the co-visit window of it, both
 * decayed. At most {@code maxNeighbours} neighbours are kept: when a new one would exceed that, the
 * weakest, decayed to now, goes.
 *
 * <p>Every count is kept as a value and the time it refers to ({@link Decay}); {@link #occurrences}
 * and {@link #forEachNeighbour} bring them to the time asked for.
 *
 * <p>A stored record begins with the occurrences, value then time, big-endian: {@link
 * #occurrencesOf} reads them alone, since ranking needs only that of most products it reads
 * (decoding every neighbour was most of a query's CPU time; BENCHMARKS.md, Personal
 * recommendations).
 */
final class Neighbourhood {

  /** A kept neighbour and its co-visits, decayed to the time asked for. */
  record Neighbour(String productId, double together) {}

  /** A decayed count and the time it is worth that at. */
  private record Counted(double value, long at) {
    Counted plus(double amount, long time, Decay decay) {
      long newest = Math.max(at, time);
      return new Counted(decay.at(value, at, newest) + decay.at(amount, time, newest), newest);
    }
  }

  /** The head of a stored record: the occurrences' value and time. */
  private static final int OCCURRENCES_BYTES = 16;

  private Counted occurrences = new Counted(0, Long.MIN_VALUE);
  private final Map<String, Counted> neighbours = new HashMap<>();

  /** One more interaction with this product, at {@code time}. */
  void occurred(long time, Decay decay) {
    occurrences = occurrences.value == 0 ? new Counted(1, time) : occurrences.plus(1, time, decay);
  }

  /**
   * One more co-visit with {@code other} at {@code time}. Keeps the strongest {@code maxNeighbours},
   * decayed to {@code time}: a new neighbour weaker than every kept one is not kept.
   */
  void coVisited(String other, long time, Decay decay, int maxNeighbours) {
    Counted known = neighbours.get(other);
    neighbours.put(other, known == null ? new Counted(1, time) : known.plus(1, time, decay));
    if (neighbours.size() > maxNeighbours) {
      String weakest = null;
      double weakestValue = Double.MAX_VALUE;
      for (Map.Entry<String, Counted> neighbour : neighbours.entrySet()) {
        double value = decay.at(neighbour.getValue().value, neighbour.getValue().at, time);
        if (value < weakestValue || (value == weakestValue && neighbour.getKey().compareTo(weakest) > 0)) {
          weakest = neighbour.getKey();
          weakestValue = value;
        }
      }
      neighbours.remove(weakest);
    }
  }

  /** Interactions with this product, decayed to {@code time}. */
  double occurrences(long time, Decay decay) {
    return occurrences.value == 0 ? 0 : decay.at(occurrences.value, occurrences.at, time);
  }

  /** Each kept neighbour with its co-visits at {@code time}, in no particular order. */
  void forEachNeighbour(long time, Decay decay, ObjDoubleConsumer<String> action) {
    neighbours.forEach((id, counted) -> action.accept(id, decay.at(counted.value, counted.at, time)));
  }

  /** The stored record: the occurrences, then the number of neighbours and each one's id, co-visits and their time. */
  byte[] toBytes() {
    List<byte[]> ids = new ArrayList<>(neighbours.size());
    int size = OCCURRENCES_BYTES + 4;
    for (String id : neighbours.keySet()) {
      byte[] utf8 = RecordBytes.utf8(id);
      ids.add(utf8);
      size += RecordBytes.idSize(utf8) + 16;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putDouble(occurrences.value).putLong(occurrences.at).putInt(neighbours.size());
    int i = 0;
    for (Counted counted : neighbours.values()) {
      RecordBytes.putId(out, ids.get(i++));
      out.putDouble(counted.value).putLong(counted.at);
    }
    return out.array();
  }

  /** {@link #occurrences} of a stored record, read from its head without decoding the neighbours. */
  static double occurrencesOf(byte[] bytes, long time, Decay decay) {
    double value = storedOccurrences(bytes);
    return value == 0 ? 0 : decay.at(value, storedOccurrencesTime(bytes), time);
  }

  /** The occurrences a stored record holds, as worth at {@link #storedOccurrencesTime}. */
  static double storedOccurrences(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getDouble(0);
  }

  /** The time of {@link #storedOccurrences}. */
  static long storedOccurrencesTime(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong(Double.BYTES);
  }

  /**
   * The neighbours of a stored record, to be taken strongest first (most co-visits at {@code time},
   * ties by product id) without decoding the record: a product's related products read a few of up
   * to max-neighbours, and decoding them all into a map was a third of that query's CPU time.
   */
  static StrongestFirst strongestFirst(byte[] bytes, long time, Decay decay) {
    return new StrongestFirst(bytes, time, decay);
  }

  /** See {@link #strongestFirst}. */
  static final class StrongestFirst {
    private final ByteBuffer record;
    /** Where each neighbour's id begins in the record. */
    private final int[] idAt;
    private final double[] together;
    private final PriorityQueue<Integer> order;

    private StrongestFirst(byte[] bytes, long time, Decay decay) {
      try {
        record = ByteBuffer.wrap(bytes);
        record.position(OCCURRENCES_BYTES);
        int count = record.getInt();
        idAt = new int[count];
        together = new double[count];
        for (int i = 0; i < count; i++) {
          idAt[i] = record.position();
          RecordBytes.skipId(record);
          together[i] = decay.at(record.getDouble(), record.getLong(), time);
        }
      } catch (RuntimeException e) {
        throw new IllegalStateException("a co-occurrence record that is not one", e);
      }
      order = new PriorityQueue<>(Math.max(1, idAt.length), this::strongerFirst);
      for (int i = 0; i < idAt.length; i++) {
        order.add(i);
      }
    }

    /** The strongest neighbour not taken yet; null once all are. */
    Neighbour poll() {
      Integer next = order.poll();
      return next == null ? null : new Neighbour(id(next), together[next]);
    }

    private int strongerFirst(int a, int b) {
      int byTogether = Double.compare(together[b], together[a]);
      return byTogether != 0 ? byTogether : id(a).compareTo(id(b));
    }

    private String id(int neighbour) {
      return RecordBytes.getId(record.position(idAt[neighbour]));
    }
  }

  /** Reads what {@link #toBytes} wrote. */
  static Neighbourhood fromBytes(byte[] bytes) {
    Neighbourhood read = new Neighbourhood();
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      read.occurrences = new Counted(in.getDouble(), in.getLong());
      int count = in.getInt();
      for (int i = 0; i < count; i++) {
        read.neighbours.put(RecordBytes.getId(in), new Counted(in.getDouble(), in.getLong()));
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("a co-occurrence record that is not one", e);
    }
    return read;
  }
}

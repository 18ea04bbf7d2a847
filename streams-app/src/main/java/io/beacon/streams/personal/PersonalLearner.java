package io.beacon.streams.personal;

import io.beacon.avro.AdEvent;
import io.beacon.avro.EventType;
import io.beacon.streams.PersonalConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Learns the personal model from counted events, in the counting processor's task: each view or
 * click with a user id joins the user's history, and co-occurs with the products the user touched
 * within the co-visit window. Histories and co-occurrence records are read once, changed in
 * memory and written at {@link #flush()}, like the counts, so that they commit with the input
 * offsets and before the ids of the events they learned from.
 */
public final class PersonalLearner {

  /** Records held after a flush, per task: histories are small, co-occurrence records up to max-neighbours entries. */
  static final int MAX_HELD_HISTORIES = 20_000;
  static final int MAX_HELD_NEIGHBOURHOODS = 2_000;

  private final PersonalConfig config;
  private final Decay decay;
  private final KeyValueStore<String, byte[]> historyStore;
  private final Held<History> histories;
  private final Held<Neighbourhood> neighbourhoods;
  /** Histories written since the last {@link #expire}. */
  private long historiesWritten;
  /** Where the next {@link #expire} goes on examining histories; null: from the first. */
  private String sweepFrom;

  public PersonalLearner(PersonalConfig config, KeyValueStore<String, byte[]> histories, KeyValueStore<String, byte[]> cooccurrences) {
    this.config = config;
    this.decay = new Decay(config.halfLife().toMillis());
    this.historyStore = histories;
    this.histories = new Held<>(histories, History::fromBytes, History::toBytes, History::new, MAX_HELD_HISTORIES);
    this.neighbourhoods = new Held<>(cooccurrences, Neighbourhood::fromBytes, Neighbourhood::toBytes, Neighbourhood::new,
        MAX_HELD_NEIGHBOURHOODS);
  }

  /** The key of an advertiser's user, or product, in the personal stores. */
  public static String key(String advertiserId, String id) {
    return advertiserId + '\n' + id;
  }

  /** Whether the event teaches the model: a view or a click with a user id (impressions are not interest). */
  public static boolean teaches(AdEvent event) {
    return event.getUserId() != null && event.getType() != EventType.IMPRESSION;
  }

  /** Learns from a counted event that {@link #teaches} it. */
  public void learn(AdEvent event, long eventTime) {
    String advertiser = event.getAdvertiserId();
    String product = event.getProductId();
    double weight = event.getType() == EventType.CLICK ? config.clickWeight() : 1;
    History history = histories.changing(key(advertiser, event.getUserId()));
    List<String> coVisited = history.record(product, eventTime, weight, config.coVisitWindow().toMillis(),
        config.historySize(), config.historyTtl().toMillis(), decay);
    Neighbourhood own = neighbourhoods.changing(key(advertiser, product));
    own.occurred(eventTime, decay);
    for (String other : coVisited) {
      own.coVisited(other, eventTime, decay, config.maxNeighbours());
      neighbourhoods.changing(key(advertiser, other)).coVisited(product, eventTime, decay, config.maxNeighbours());
    }
  }

  /** Writes the changed histories and co-occurrence records, then lets go of those held longest. */
  public void flush() {
    historiesWritten += histories.flush();
    neighbourhoods.flush();
  }

  /**
   * Deletes the histories of users idle for longer than the history's time to live at {@code
   * streamTime}. A call examines twice as many stored histories as were written since the last
   * one, going on in key order where that one stopped and from the first after the last: the work
   * follows the traffic, not stream time, which a backfill moves by days in seconds, and a pass over
   * the store ends before half as many histories as it holds are written again, so idle ones
   * cannot pile up faster than they are deleted. A whole pass at every stream-time hour would read
   * every history 168 times while a backfill of a week goes through, each time in one punctuation.
   */
  public void expire(long streamTime) {
    flush();
    long examine = 2 * historiesWritten;
    historiesWritten = 0;
    if (examine == 0) {
      return;
    }
    long idleBefore = streamTime - config.historyTtl().toMillis();
    List<String> idle = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> stored = historyStore.range(sweepFrom, null)) {
      String last = null;
      for (long examined = 0; examined < examine && stored.hasNext(); examined++) {
        KeyValue<String, byte[]> user = stored.next();
        last = user.key;
        if (History.fromBytes(user.value).newestTime() < idleBefore) {
          idle.add(user.key);
        }
      }
      // The smallest key after the last examined: ids hold no control characters.
      sweepFrom = stored.hasNext() ? last + '\0' : null;
    }
    for (String user : idle) {
      histories.forget(user);
      historyStore.delete(user);
    }
  }

  /**
   * Records of one kind as the learner sees them: read once, changed in place, written when
   * flushed; at most {@code maxHeld} stay held after a flush, those held longest going first.
   */
  private static final class Held<V> {
    private final KeyValueStore<String, byte[]> store;
    private final Function<byte[], V> read;
    private final Function<V, byte[]> write;
    private final java.util.function.Supplier<V> empty;
    private final int maxHeld;
    private final Map<String, V> held = new LinkedHashMap<>();
    private final Set<String> changed = new LinkedHashSet<>();

    Held(KeyValueStore<String, byte[]> store, Function<byte[], V> read, Function<V, byte[]> write,
        java.util.function.Supplier<V> empty, int maxHeld) {
      this.store = store;
      this.read = read;
      this.write = write;
      this.empty = empty;
      this.maxHeld = maxHeld;
    }

    /** The record under {@code key}, to be changed: it is written at the next flush. */
    V changing(String key) {
      V value = held.get(key);
      if (value == null) {
        byte[] stored = store.get(key);
        value = stored == null ? empty.get() : read.apply(stored);
        held.put(key, value);
      }
      changed.add(key);
      return value;
    }

    /** Writes the changed records; how many were changed. */
    int flush() {
      int written = changed.size();
      if (!changed.isEmpty()) {
        List<KeyValue<String, byte[]>> writes = new ArrayList<>(changed.size());
        changed.forEach(key -> writes.add(KeyValue.pair(key, write.apply(held.get(key)))));
        changed.clear();
        store.putAll(writes);
      }
      Iterator<String> longestHeld = held.keySet().iterator();
      while (held.size() > maxHeld) {
        longestHeld.next();
        longestHeld.remove();
      }
      return written;
    }

    /** Lets go of the record under {@code key}, unchanged since the last flush. */
    void forget(String key) {
      held.remove(key);
    }
  }
}

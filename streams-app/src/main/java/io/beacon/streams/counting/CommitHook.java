package io.beacon.streams.counting;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store that holds nothing and runs an action each time Kafka Streams flushes its task's
 * caches: before every commit, and before a task is suspended or closed cleanly, ahead of the
 * flush of the changelog producer and the transaction's commit. That is the moment a processor
 * must write what it holds in memory, so that it commits together with the input offsets. Kafka
 * Streams has no public hook for it; its own record cache is flushed through the internal
 * {@link CachedStateStore} interface, and so is this store.
 *
 * <p>The action must write only to stores without a record cache: a cached store's cache may
 * already have been flushed in the same round, and what the action put in it would miss the commit.
 */
public final class CommitHook implements StateStore, CachedStateStore<Object, Object> {

  private static final Runnable NOTHING = () -> {};

  private final String name;
  private Runnable beforeCommit = NOTHING;
  private boolean open;

  private CommitHook(String name) {
    this.name = name;
  }

  /** A builder of the hook named {@code name}; it has no changelog and no cache. */
  public static StoreBuilder<CommitHook> builder(String name) {
    return new Builder(name);
  }

  /** Runs {@code action} before each commit of the task, instead of the action set before. */
  public void beforeCommit(Runnable action) {
    beforeCommit = action;
  }

  @Override
  public void flushCache() {
    beforeCommit.run();
  }

  @Override
  public void clearCache() {
    // Nothing held.
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    context.register(root, (key, value) -> {});
    open = true;
  }

  @Override
  public void close() {
    // Closing is not a commit: a dirty close must not write what the processor holds.
    beforeCommit = NOTHING;
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public Position getPosition() {
    return Position.emptyPosition();
  }

  private record Builder(String name) implements StoreBuilder<CommitHook> {

    @Override
    public StoreBuilder<CommitHook> withCachingEnabled() {
      throw new UnsupportedOperationException("a commit hook has no cache");
    }

    @Override
    public StoreBuilder<CommitHook> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
      throw new UnsupportedOperationException("a commit hook has no changelog");
    }

    @Override
    public StoreBuilder<CommitHook> withLoggingDisabled() {
      return this;
    }

    @Override
    public CommitHook build() {
      return new CommitHook(name);
    }

    @Override
    public Map<String, String> logConfig() {
      return Map.of();
    }

    @Override
    public boolean loggingEnabled() {
      return false;
    }
  }
}

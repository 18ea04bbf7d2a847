package io.beacon.loadgen;

/** Keeps a sender at about {@code perSecond} events a second by sleeping when it is ahead. */
public final class Pacer {

  private final double perSecond;
  private final long started = System.nanoTime();
  private long count;

  /** @param perSecond the rate; 0 or less means as fast as possible */
  public Pacer(double perSecond) {
    this.perSecond = perSecond;
  }

  /** Counts one event, and waits if the sender is ahead of the rate. */
  public void tick() throws InterruptedException {
    count++;
    if (perSecond <= 0 || count % 50 != 0) {
      return;
    }
    long due = started + (long) (count / perSecond * 1e9);
    long ahead = due - System.nanoTime();
    if (ahead > 0) {
      Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
    }
  }
}

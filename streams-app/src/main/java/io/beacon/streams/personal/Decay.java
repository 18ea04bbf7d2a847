package io.beacon.streams.personal;

/**
 * Exponential decay with a half-life: a weight given at {@code from} is worth half as much one
 * half-life later. Values are kept with the time they refer to and brought forward when read or
 * added to, so nothing is rewritten as time passes.
 */
final class Decay {

  private final double halfLifeMs;

  Decay(long halfLifeMs) {
    if (halfLifeMs <= 0) {
      throw new IllegalArgumentException("the half-life must be positive, was " + halfLifeMs + " ms");
    }
    this.halfLifeMs = halfLifeMs;
  }

  /** {@code value}, given at {@code from}, as worth at {@code to}; more than given when {@code to} is earlier. */
  double at(double value, long from, long to) {
    return from == to ? value : value * Math.pow(0.5, (to - from) / halfLifeMs);
  }
}

package io.beacon.streams.predict;

import java.nio.ByteBuffer;

/**
 * A published model's values in the hashed feature space, only the nonzero ones: a count, then
 * each coordinate (int) and its value (float), big-endian. L1 keeps most of an FTRL model's
 * coordinates at 0; the rest decode into a dense array for constant-time lookups.
 */
public final class SparseWeights {

  private SparseWeights() {}

  public static ByteBuffer encode(float[] values) {
    int nonzero = 0;
    for (float value : values) {
      if (value != 0) {
        nonzero++;
      }
    }
    ByteBuffer out = ByteBuffer.allocate(Integer.BYTES + nonzero * (Integer.BYTES + Float.BYTES));
    out.putInt(nonzero);
    for (int i = 0; i < values.length; i++) {
      if (values[i] != 0) {
        out.putInt(i).putFloat(values[i]);
      }
    }
    return out.flip();
  }

  /** The dense values of a space of {@code dimension} coordinates. */
  public static float[] decode(ByteBuffer encoded, int dimension) {
    ByteBuffer in = encoded.duplicate();
    float[] values = new float[dimension];
    int nonzero = in.getInt();
    for (int k = 0; k < nonzero; k++) {
      int coordinate = in.getInt();
      if (coordinate < 0 || coordinate >= dimension) {
        throw new IllegalArgumentException("coordinate " + coordinate + " is outside a space of " + dimension);
      }
      values[coordinate] = in.getFloat();
    }
    return values;
  }
}

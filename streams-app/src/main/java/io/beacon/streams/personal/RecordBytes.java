package io.beacon.streams.personal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Ids in the personal model's records: an unsigned 16-bit length, then the id's UTF-8 bytes. Ids
 * are at most {@code EventRules.MAX_ID_LENGTH} characters, so the length always fits. Records
 * are written and read through {@link ByteBuffer}s: a {@code DataOutputStream} writes byte by
 * byte, and its {@code writeUTF} was the largest single frame of learning in JFR.
 */
final class RecordBytes {

  private RecordBytes() {}

  static byte[] utf8(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes {@link #putId} takes for an id of these UTF-8 bytes. */
  static int idSize(byte[] utf8) {
    return 2 + utf8.length;
  }

  static void putId(ByteBuffer out, byte[] utf8) {
    out.putShort((short) utf8.length);
    out.put(utf8);
  }

  /** Moves past an id without decoding it. */
  static void skipId(ByteBuffer in) {
    in.position(in.position() + 2 + Short.toUnsignedInt(in.getShort(in.position())));
  }

  static String getId(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    String id = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return id;
  }
}

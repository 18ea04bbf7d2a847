package io.beacon.streams.counting;

import io.beacon.streams.Resolution;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the count stores, laid out so that one advertiser's buckets of one resolution are
 * contiguous and sorted by time: {@code [advertiser length:u16][advertiser][resolution:u8]
 * [bucket start:i64 big-endian][product]}. A window is then a single range scan, and expiry a
 * range delete from the start. The length prefix keeps "adv-1" from matching "adv-10".
 * Bucket starts are non-negative, so big-endian byte order is numeric order.
 */
public final class CountKeys {

  private CountKeys() {}

  /** A product's bucket. */
  public static Bytes product(String advertiser, Resolution resolution, long bucketStart, String product) {
    byte[] productBytes = product.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(prefix(advertiser, resolution, bucketStart, productBytes.length).put(productBytes).array());
  }

  /** An advertiser's bucket; also the lower bound of its products' keys in that bucket. */
  public static Bytes bucket(String advertiser, Resolution resolution, long bucketStart) {
    return Bytes.wrap(prefix(advertiser, resolution, bucketStart, 0).array());
  }

  private static ByteBuffer prefix(String advertiser, Resolution resolution, long bucketStart, int extra) {
    byte[] adv = advertiser.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + adv.length + 1 + Long.BYTES + extra)
        .putShort((short) adv.length)
        .put(adv)
        .put(resolution.code())
        .putLong(bucketStart);
  }

  /** The key of the bucket a key made by {@link #product} is in: the one {@link #bucket} makes. */
  static Bytes bucketOf(Bytes productKey) {
    byte[] bytes = productKey.get();
    return Bytes.wrap(Arrays.copyOf(bytes, bucketKeyLength(bytes)));
  }

  /** The bucket start of a key made by {@link #product} or {@link #bucket}. */
  public static long bucketStart(Bytes key) {
    ByteBuffer buffer = ByteBuffer.wrap(key.get());
    int advLength = Short.toUnsignedInt(buffer.getShort());
    return buffer.getLong(2 + advLength + 1);
  }

  /** The product id of a key made by {@link #product}. */
  public static String productId(Bytes key) {
    byte[] bytes = key.get();
    int offset = bucketKeyLength(bytes);
    return new String(bytes, offset, bytes.length - offset, StandardCharsets.UTF_8);
  }

  /** The length of a bucket's key, which a product's key continues with the product id. */
  private static int bucketKeyLength(byte[] key) {
    int advLength = Short.toUnsignedInt(ByteBuffer.wrap(key).getShort());
    return 2 + advLength + 1 + Long.BYTES;
  }
}

package io.beacon.service.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.MediaType;
import io.micronaut.http.server.netty.DefaultHttpCompressionStrategy;
import io.micronaut.http.server.netty.HttpCompressionStrategy;
import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micronaut's rule for which responses to compress (text of at least
 * {@code micronaut.server.netty.compression-threshold} bytes, when the client accepts an
 * encoding), with the text-or-not answer remembered per Content-Type. Micronaut's own strategy
 * parses the Content-Type and matches it against regexes for every response, before it looks at
 * Accept-Encoding: 3.6% of the event loop under the top-N load (BENCHMARKS.md).
 */
@Singleton
@Replaces(DefaultHttpCompressionStrategy.class)
final class CompressionStrategy implements HttpCompressionStrategy {

  /** A server answers with a handful of content types; a flood of odd ones only clears the map. */
  private static final int MAX_REMEMBERED = 256;

  private final int threshold;
  private final int level;
  private final int maxZstdEncodeSize;
  private final Map<String, Boolean> textBased = new ConcurrentHashMap<>();

  CompressionStrategy(NettyHttpServerConfiguration configuration) {
    this.threshold = configuration.getCompressionThreshold();
    this.level = configuration.getCompressionLevel();
    this.maxZstdEncodeSize = configuration.getMaxZstdEncodeSize();
  }

  @Override
  public boolean isEnabled() {
    return threshold >= 0;
  }

  @Override
  public boolean shouldCompress(HttpResponse response) {
    String contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
    long length = HttpUtil.getContentLength(response, -1L);
    return isEnabled() && contentType != null && (length == -1 || length >= threshold) && isText(contentType);
  }

  private boolean isText(String contentType) {
    Boolean known = textBased.get(contentType);
    if (known != null) {
      return known;
    }
    boolean text = MediaType.isTextBased(contentType);
    if (textBased.size() >= MAX_REMEMBERED) {
      textBased.clear();
    }
    textBased.put(contentType, text);
    return text;
  }

  @Override
  public int getCompressionLevel() {
    return level;
  }

  @Override
  public int getMaxZstdEncodeSize() {
    return maxZstdEncodeSize;
  }
}

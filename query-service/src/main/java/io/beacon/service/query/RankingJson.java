package io.beacon.service.query;

import io.beacon.streams.query.Ranking;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON of recommendation answers, encoded once per ranking. The query facade hands back the
 * same ranking while the advertiser's counts are unchanged, so bidders asking again get the bytes
 * already encoded (encoding was a tenth of a request's CPU, BENCHMARKS.md).
 */
@Singleton
final class RankingJson {

  /** Answers kept before they are all dropped: bounds the heap (each is about 1 KiB for n=10). */
  static final int MAX_KEPT = 4096;

  private final JsonMapper json;
  private final Map<Ranking, byte[]> encoded = new ConcurrentHashMap<>();

  RankingJson(JsonMapper json) {
    this.json = json;
  }

  /** The answer's body: encoded bytes from an up-to-date copy, else the object (lag differs per answer). */
  Object body(Ranking ranking, long lag) {
    if (lag != 0) {
      return Responses.Recommendations.of(ranking, lag);
    }
    byte[] bytes = encoded.get(ranking);
    if (bytes == null) {
      try {
        bytes = json.writeValueAsBytes(Responses.Recommendations.of(ranking, 0));
      } catch (IOException e) {
        throw new UncheckedIOException("could not encode the ranking of advertiser " + ranking.advertiserId(), e);
      }
      if (encoded.size() >= MAX_KEPT) {
        encoded.clear();
      }
      encoded.put(ranking, bytes);
    }
    return bytes;
  }
}

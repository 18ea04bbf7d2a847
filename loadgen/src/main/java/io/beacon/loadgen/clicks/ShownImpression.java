package io.beacon.loadgen.clicks;

import java.time.Instant;
import java.util.Map;

/**
 * One generated impression and its truth: the probability the click model gave it, and whether
 * (and when) it was clicked.
 *
 * @param clickedAt the click's time, or null when it was not clicked
 */
public record ShownImpression(String eventId, Instant at, String advertiserId, String productId, String userId, String placement,
    Map<String, String> context, double probability, Instant clickedAt) {

  public boolean clicked() {
    return clickedAt != null;
  }
}

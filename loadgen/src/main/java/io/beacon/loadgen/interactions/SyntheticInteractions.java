package io.beacon.loadgen.interactions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded interactions data set shaped like a shop's: products in taste groups, each user with a
 * main taste group (and, for half of them, a second one), visiting in sessions of a few views
 * minutes apart, spread over days. A view is of the user's groups' products, or, with the noise
 * probability, of any product; within either, products are picked by a popularity that follows
 * Zipf's law over a ranking unrelated to the groups. Some views are clicks. The same settings give
 * the same rows.
 *
 * @param seed seeds every choice
 * @param users users, ids {@code u0001}…
 * @param products products, ids {@code p001}…, in {@code groups} groups of equal size
 * @param groups taste groups
 * @param minPerUser fewest interactions of a user
 * @param maxPerUser most interactions of a user (uniform in between)
 * @param span the interactions fall within this time after {@code start}
 * @param noise share of interactions with any product, not the user's groups'
 * @param clickShare share of interactions that are clicks
 */
public record SyntheticInteractions(long seed, int users, int products, int groups, int minPerUser, int maxPerUser, Duration span,
    double noise, double clickShare, Instant start) {

  /** Zipf exponent of product popularity. */
  static final double POPULARITY_SKEW = 1.0;
  /** Share of a two-group user's interactions with their second group. */
  static final double SECOND_GROUP_SHARE = 0.3;
  static final int MAX_SESSION = 5;
  static final Duration MAX_GAP_IN_SESSION = Duration.ofMinutes(10);

  public SyntheticInteractions {
    if (users < 1 || products < 2 || groups < 1 || groups > products || minPerUser < 1 || maxPerUser < minPerUser) {
      throw new IllegalArgumentException("need users >= 1, products >= 2, 1 <= groups <= products, 1 <= min <= max per user");
    }
    if (noise < 0 || noise > 1 || clickShare < 0 || clickShare > 1 || span.isNegative() || span.isZero()) {
      throw new IllegalArgumentException("noise and click share must be 0 to 1, the span positive");
    }
  }

  /** The evaluation's default set: 2,000 users, 200 products in 10 groups, 10 to 40 interactions each over 14 days. */
  public static SyntheticInteractions standard(long seed) {
    return new SyntheticInteractions(seed, 2_000, 200, 10, 10, 40, Duration.ofDays(14), 0.2, 0.1, Instant.parse("2026-11-01T00:00:00Z"));
  }

  /** A small set: 100 users × 50 products in 5 groups, 50 interactions each (5,000). */
  public static SyntheticInteractions small(long seed) {
    return new SyntheticInteractions(seed, 100, 50, 5, 50, 50, Duration.ofDays(14), 0.2, 0.1, Instant.parse("2026-11-01T00:00:00Z"));
  }

  /** The rows, by time (then user, then product), numbered as lines of a file written with {@link InteractionsCsv#write}. */
  public List<Interaction> generate() {
    SplittableRandom random = new SplittableRandom(seed);
    String[] productIds = new String[products];
    String productFormat = "p%0" + Math.max(3, String.valueOf(products).length()) + "d";
    for (int p = 0; p < products; p++) {
      productIds[p] = String.format(productFormat, p + 1);
    }
    // Popularity ranks are a shuffle of the products, so every group has popular and rare ones.
    int[] rank = new int[products];
    for (int p = 0; p < products; p++) {
      rank[p] = p;
    }
    for (int p = products - 1; p > 0; p--) {
      int other = random.nextInt(p + 1);
      int swap = rank[p];
      rank[p] = rank[other];
      rank[other] = swap;
    }
    Picker everyone = new Picker(products, p -> true, rank);
    Picker[] byGroup = new Picker[groups];
    for (int g = 0; g < groups; g++) {
      int group = g;
      byGroup[g] = new Picker(products, p -> p % groups == group, rank);
    }
    List<Interaction> rows = new ArrayList<>();
    String userFormat = "u%0" + Math.max(4, String.valueOf(users).length()) + "d";
    for (int u = 0; u < users; u++) {
      String userId = String.format(userFormat, u + 1);
      int main = random.nextInt(groups);
      int second = groups > 1 && random.nextBoolean() ? (main + 1 + random.nextInt(groups - 1)) % groups : -1;
      int remaining = minPerUser + random.nextInt(maxPerUser - minPerUser + 1);
      while (remaining > 0) {
        int session = Math.min(remaining, 1 + random.nextInt(MAX_SESSION));
        long time = start.toEpochMilli() + (long) (random.nextDouble() * span.toMillis());
        for (int i = 0; i < session; i++) {
          Picker from = random.nextDouble() < noise ? everyone
              : byGroup[second >= 0 && random.nextDouble() < SECOND_GROUP_SHARE ? second : main];
          rows.add(new Interaction(0, userId, productIds[from.pick(random)], time, random.nextDouble() < clickShare));
          time += 1_000 + (long) (random.nextDouble() * MAX_GAP_IN_SESSION.toMillis());
        }
        remaining -= session;
      }
    }
    rows.sort(Comparator.comparingLong(Interaction::time).thenComparing(Interaction::userId).thenComparing(Interaction::productId));
    List<Interaction> numbered = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Interaction row = rows.get(i);
      numbered.add(new Interaction(i + 2, row.userId(), row.productId(), row.time(), row.click()));
    }
    return numbered;
  }

  /** Picks among some products with weights by Zipf's law on their popularity rank. */
  private static final class Picker {
    private final int[] products;
    private final double[] cumulative;

    Picker(int count, java.util.function.IntPredicate member, int[] rank) {
      products = java.util.stream.IntStream.range(0, count).filter(member).toArray();
      cumulative = new double[products.length];
      double sum = 0;
      for (int i = 0; i < products.length; i++) {
        sum += 1 / Math.pow(rank[products[i]] + 1, POPULARITY_SKEW);
        cumulative[i] = sum;
      }
    }

    int pick(SplittableRandom random) {
      double at = random.nextDouble() * cumulative[cumulative.length - 1];
      int index = Arrays.binarySearch(cumulative, at);
      return products[Math.min(products.length - 1, index >= 0 ? index : -index - 1)];
    }
  }
}

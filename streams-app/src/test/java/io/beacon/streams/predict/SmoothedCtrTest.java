package io.beacon.streams.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmoothedCtrTest {

  private static final int PRODUCT = 5;
  private static final int OTHER_PRODUCT = 6;
  private static final int ADVERTISER = 9;

  @Test
  void shouldPullAProductsRateTowardItsAdvertisersAndThatTowardAllExamples() {
    SmoothedCtr model = new SmoothedCtr(100, 16);
    assertEquals(0.5, model.predict(PRODUCT, ADVERTISER), 1e-12, "nothing seen: one click in two impressions");
    for (int i = 0; i < 100; i++) {
      model.learn(OTHER_PRODUCT, ADVERTISER, i < 10);
    }
    double all = 11.0 / 102;
    double advertiser = (10 + 100 * all) / 200;
    assertEquals(advertiser, model.predict(PRODUCT, ADVERTISER), 1e-12, "an unseen product gets its advertiser's rate");
    assertEquals((10 + 100 * advertiser) / 200, model.predict(OTHER_PRODUCT, ADVERTISER), 1e-12);
  }

  @Test
  void shouldPredictTheSameFromItsPublishedValues() {
    SmoothedCtr model = new SmoothedCtr(100, 16);
    for (int i = 0; i < 300; i++) {
      model.learn(i % 3 == 0 ? PRODUCT : OTHER_PRODUCT, ADVERTISER, i % 7 == 0);
    }
    SmoothedCtr published = SmoothedCtr.fromPublished(100, SparseWeights.decode(SparseWeights.encode(model.published()), 32));
    assertEquals(model.predict(PRODUCT, ADVERTISER), published.predict(PRODUCT, ADVERTISER), 1e-12);
    assertEquals(model.predict(OTHER_PRODUCT, ADVERTISER), published.predict(OTHER_PRODUCT, ADVERTISER), 1e-12);
  }
}

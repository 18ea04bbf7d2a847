package io.beacon.loadgen.catalog;

/**
 * A catalog product as {@code PUT /v1/products/{id}} takes it, plus the label an evaluation judges
 * similarity by: two products are alike when their labels are equal.
 *
 * @param productId the product's id, not blank
 * @param advertiserId its advertiser's id, not blank
 * @param title not blank
 * @param description free text, or null
 * @param category or null
 * @param brand or null
 * @param label the ground-truth group, or null when unknown; not a field of the product API
 */
public record CatalogProduct(String productId, String advertiserId, String title, String description, String category,
    String brand, String label) {

  public CatalogProduct {
    if (productId == null || productId.isBlank() || advertiserId == null || advertiserId.isBlank() || title == null
        || title.isBlank()) {
      throw new IllegalArgumentException("a product needs a non-blank product id, advertiser id and title; was id '"
          + productId + "', advertiser '" + advertiserId + "', title '" + title + "'");
    }
  }
}

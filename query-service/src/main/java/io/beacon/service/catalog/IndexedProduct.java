package io.beacon.service.catalog;

/** A product's text as the catalog index holds it; fields other than the ids and title may be null. */
public record IndexedProduct(String productId, String advertiserId, String title, String description, String category, String brand) {}

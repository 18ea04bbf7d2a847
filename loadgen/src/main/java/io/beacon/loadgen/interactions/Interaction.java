package io.beacon.loadgen.interactions;

/**
 * One user's view or click of a product: a row of an interactions file.
 *
 * @param line the row's line in its file (1 is the header), which names it in errors and event ids
 * @param time epoch milliseconds
 */
public record Interaction(long line, String userId, String productId, long time, boolean click) {}

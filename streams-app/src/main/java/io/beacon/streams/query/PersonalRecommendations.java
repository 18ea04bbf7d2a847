package io.beacon.streams.query;

import java.util.List;

/** A user's recommendations, best first, and how many products their history holds. */
public record PersonalRecommendations(String advertiserId, String userId, int historySize, List<PersonalItem> items) {}

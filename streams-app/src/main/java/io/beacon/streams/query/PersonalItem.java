package io.beacon.streams.query;

import io.beacon.streams.personal.PersonalReader;
import java.util.List;

/**
 * A product recommended to a user.
 *
 * @param source {@link #PERSONAL} (from the co-occurrences of the user's history), {@link #SIMILAR}
 *     (like a product of the history by its text, filling a slot co-occurrences did not) or {@link
 *     #POPULAR} (the advertiser's most viewed, filling the rest)
 * @param because the user's history products that contributed most, strongest first; for a similar
 *     one the history product it is like; none for a popular one
 */
public record PersonalItem(String productId, double score, String source, List<PersonalReader.Reason> because) {

  public static final String PERSONAL = "personal";
  public static final String SIMILAR = "similar";
  public static final String POPULAR = "popular";
}

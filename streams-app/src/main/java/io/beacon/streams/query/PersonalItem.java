package io.beacon.streams.query;

import io.beacon.streams.personal.PersonalReader;
import java.util.List;

/**
 * A product recommended to a user.
 *
 * @param source {@link #PERSONAL} (from the user's history) or {@link #POPULAR} (the advertiser's most
 *     viewed, filling a slot the history did not)
 * @param because the user's history products that contributed most, strongest first; none for a popular one
 */
public record PersonalItem(String productId, double score, String source, List<PersonalReader.Reason> because) {

  public static final String PERSONAL = "personal";
  public static final String POPULAR = "popular";
}

package io.beacon.service.problem;

import io.micronaut.http.MediaType;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** The body of every error answer: RFC 9457 problem details, with the field errors beside. */
@Serdeable
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

  public static final String CONTENT_TYPE = "application/problem+json";
  public static final MediaType MEDIA_TYPE = MediaType.of(CONTENT_TYPE);

  public Problem(String title, int status, String detail, List<FieldError> errors) {
    this("about:blank", title, status, detail, List.copyOf(errors));
  }
}

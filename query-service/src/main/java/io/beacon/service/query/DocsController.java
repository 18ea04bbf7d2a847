package io.beacon.service.query;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;

/** Short paths to the OpenAPI spec and Swagger UI generated at build time. */
@Controller
@Hidden
class DocsController {

  /** The spec file the OpenAPI processor writes: title and version from {@code Application}. */
  static final String SPEC = "/swagger/beacon-v1.yml";

  @Get("/openapi")
  HttpResponse<?> openapi() {
    return HttpResponse.seeOther(URI.create(SPEC));
  }

  @Get("/swagger-ui")
  HttpResponse<?> swaggerUi() {
    return HttpResponse.seeOther(URI.create("/swagger-ui/index.html"));
  }
}

package io.beacon.service.page;

import io.beacon.service.http.OwnQueryParameters;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The dashboard page at {@code /}. Its script, styles and Chart.js are static resources under
 * {@code /ui/} (see application.yml); the page reads the same v1 API as any client.
 */
@Controller
@Hidden
class PageController {

  private final byte[] page;

  PageController() {
    try (InputStream in = PageController.class.getResourceAsStream("/ui/index.html")) {
      if (in == null) {
        throw new IllegalStateException("ui/index.html is missing from the jar");
      }
      page = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @OwnQueryParameters // the page's script reads them (refresh)
  @Get(produces = MediaType.TEXT_HTML)
  HttpResponse<byte[]> page() {
    return HttpResponse.ok(page).header("Cache-Control", "no-cache");
  }
}

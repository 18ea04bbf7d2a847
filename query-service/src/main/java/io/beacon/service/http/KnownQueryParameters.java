package io.beacon.service.http;

import io.beacon.service.problem.FieldError;
import io.beacon.service.problem.Problem;
import io.beacon.service.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.MethodBasedRouteInfo;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses a query parameter the route does not take, with a 400 that lists the ones it does: a
 * misspelt {@code windw=24h} or an unsupported {@code limit=3} would otherwise get the default
 * answer, which looks right and is not what was asked. Applies to the routes of Beacon's own
 * controllers; the management endpoints and static resources are Micronaut's.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class KnownQueryParameters {

  private final Map<RouteInfo<?>, Set<String>> known = new ConcurrentHashMap<>();

  @RequestFilter
  @Nullable
  HttpResponse<?> check(HttpRequest<?> request) {
    if (request.getParameters().isEmpty()) {
      return null;
    }
    RouteInfo<?> route = RouteAttributes.getRouteInfo(request).orElse(null);
    if (!(route instanceof MethodBasedRouteInfo<?, ?> method) || !route.getDeclaringType().getPackageName().startsWith("io.beacon")
        || route.getAnnotationMetadata().hasAnnotation(OwnQueryParameters.class)) {
      return null;
    }
    List<FieldError> errors = unknown(request, known.computeIfAbsent(route, r -> queryValues(method)));
    return errors.isEmpty() ? null : HttpResponse.<Problem>status(HttpStatus.BAD_REQUEST).contentType(Problem.MEDIA_TYPE)
        .body(ProblemException.invalid(errors).problem());
  }

  /**
   * Refuses, with a 400 that lists {@code names}, a query parameter not among them: for a route
   * marked {@link OwnQueryParameters} that reads its parameters itself.
   */
  public static void requireKnown(HttpRequest<?> request, Set<String> names) {
    List<FieldError> errors = unknown(request, names);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid(errors);
    }
  }

  private static List<FieldError> unknown(HttpRequest<?> request, Set<String> names) {
    List<FieldError> errors = new ArrayList<>(0);
    for (String name : request.getParameters().asMap().keySet()) {
      if (!names.contains(name)) {
        errors.add(new FieldError(name, names.isEmpty() ? "is not a parameter of this route, which takes none"
            : "is not a parameter of this route; it takes " + String.join(", ", new TreeSet<>(names))));
      }
    }
    return errors;
  }

  /** The names of the method's {@code @QueryValue} arguments, sorted. */
  private static Set<String> queryValues(MethodBasedRouteInfo<?, ?> method) {
    Set<String> names = new TreeSet<>();
    for (Argument<?> argument : method.getTargetMethod().getArguments()) {
      if (argument.getAnnotationMetadata().hasAnnotation(QueryValue.class)) {
        names.add(argument.getAnnotationMetadata().stringValue(QueryValue.class).filter(n -> !n.isEmpty()).orElse(argument.getName()));
      }
    }
    return names;
  }
}

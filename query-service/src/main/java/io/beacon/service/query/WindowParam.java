package io.beacon.service.query;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The window and step lengths the API accepts, by their names in query strings. */
final class WindowParam {

  static final Map<String, Duration> WINDOWS = named("5m", "15m", "1h", "6h", "24h", "7d", "30d");
  static final Map<String, Duration> STEPS = named("1m", "5m", "15m", "1h", "6h", "1d");

  private WindowParam() {}

  private static Map<String, Duration> named(String... names) {
    Map<String, Duration> map = new LinkedHashMap<>();
    for (String name : names) {
      long amount = Long.parseLong(name.substring(0, name.length() - 1));
      map.put(name, switch (name.charAt(name.length() - 1)) {
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new IllegalArgumentException(name);
      });
    }
    return Collections.unmodifiableMap(map); // in the order given: error messages list them so
  }

  /** The name of a step length, e.g. {@code 1h}. */
  static String nameOf(Duration step) {
    return STEPS.entrySet().stream().filter(e -> e.getValue().equals(step)).map(Map.Entry::getKey).findFirst()
        .orElse(step.toString());
  }

  /** The default step for a window: about 24 to 60 points. */
  static String defaultStep(String window) {
    return switch (window) {
      case "5m", "15m", "1h" -> "1m";
      case "6h" -> "15m";
      case "24h" -> "1h";
      case "7d" -> "6h";
      default -> "1d";
    };
  }
}

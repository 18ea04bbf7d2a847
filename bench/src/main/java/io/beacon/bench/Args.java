package io.beacon.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's options, {@code --name value} or a bare {@code --flag}. Each option is read once with
 * its default; {@link #rejectUnread()} then refuses any option the command did not read, so a typo
 * fails loudly instead of silently measuring the default.
 */
final class Args {

  private final Map<String, String> values = new HashMap<>();
  private final Set<String> read = new HashSet<>();

  Args(List<String> args, Set<String> flags) {
    for (int i = 0; i < args.size(); i++) {
      String name = args.get(i);
      if (!name.startsWith("--")) {
        throw new IllegalArgumentException("expected an option, got '" + name + "'");
      }
      if (flags.contains(name)) {
        values.put(name, "true");
      } else if (i + 1 < args.size()) {
        values.put(name, args.get(++i));
      } else {
        throw new IllegalArgumentException("missing value after " + name);
      }
    }
  }

  int positive(String name, int defaultValue) {
    read.add(name);
    String value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " needs a positive whole number, was '" + value + "'");
  }

  boolean flag(String name) {
    read.add(name);
    return values.containsKey(name);
  }

  String text(String name, String defaultValue) {
    read.add(name);
    return values.getOrDefault(name, defaultValue);
  }

  /** A list given as one value of words separated by spaces, e.g. {@code --jvm "-Xss1m -Xlog:gc"}; empty by default. */
  List<String> words(String name) {
    String value = text(name, "").strip();
    return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
  }

  void rejectUnread() {
    for (String name : values.keySet()) {
      if (!read.contains(name)) {
        throw new IllegalArgumentException("unknown option " + name);
      }
    }
  }
}

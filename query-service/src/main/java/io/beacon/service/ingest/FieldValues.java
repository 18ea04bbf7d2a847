package io.beacon.service.ingest;

import io.beacon.service.problem.FieldError;
import io.beacon.streams.EventRules;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The values of one input object (a JSON object, or a pixel's query parameters) by field name,
 * read with type and size checks. A bad value adds an error under its path and reads as null, so
 * every error in a request is reported at once.
 *
 * <p>Values are {@link String}, {@link Long} (an integral JSON number), {@link Double} (any other
 * number), {@link Boolean}, or {@link WrongType} for arrays and objects; an absent field and a JSON
 * null are both missing.
 */
public final class FieldValues {

  /** A JSON array or object where a plain value belongs. */
  record WrongType(String name) {}

  private final Map<String, Object> values;
  private final UnaryOperator<String> path;
  private final List<FieldError> errors;

  /**
   * @param path turns a field name into the name the client used, e.g. {@code [3].event_time} or {@code adv}
   */
  FieldValues(Map<String, Object> values, UnaryOperator<String> path, List<FieldError> errors) {
    this.values = values;
    this.path = path;
    this.errors = errors;
  }

  public Object raw(String field) {
    return values.get(field);
  }

  public void error(String field, String reason) {
    errors.add(new FieldError(path.apply(field), reason));
  }

  /** Errors so far in the whole request, to tell whether reading this object added any. */
  int errorCount() {
    return errors.size();
  }

  /** A string, or null (with an error if required) when missing or of another type. */
  public String string(String field, boolean required) {
    Object value = values.get(field);
    if (value == null) {
      if (required) {
        error(field, "is required");
      }
      return null;
    }
    if (!(value instanceof String s)) {
      error(field, "must be a string, was " + typeName(value));
      return null;
    }
    return s;
  }

  /** An id: a string of 1..128 characters without control characters. */
  public String id(String field, boolean required) {
    String value = string(field, required);
    if (value == null) {
      return null;
    }
    var problem = EventRules.idProblem(value);
    problem.ifPresent(reason -> error(field, reason));
    return problem.isPresent() ? null : value;
  }

  /** An id as {@link #id}, leading and trailing blanks removed first. */
  public String trimmedId(String field, boolean required) {
    String value = string(field, required);
    if (value == null) {
      return null;
    }
    var problem = EventRules.idProblem(value.strip());
    problem.ifPresent(reason -> error(field, reason));
    return problem.isPresent() ? null : value.strip();
  }

  /** Free text of at most {@code maxLength} characters; line breaks and tabs allowed, other control characters not. */
  String text(String field, boolean required, int maxLength) {
    String value = string(field, required);
    if (value == null) {
      return null;
    }
    if (required && value.isBlank()) {
      error(field, "must not be blank");
      return null;
    }
    if (value.length() > maxLength) {
      error(field, "must be at most " + maxLength + " characters, was " + value.length());
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
        error(field, "must not contain control characters (found one at position " + i + ")");
        return null;
      }
    }
    return value;
  }

  /** One of {@code type}'s constants, named in any case; {@code names} lists them for the error. */
  <E extends Enum<E>> E oneOf(String field, Class<E> type, String names) {
    String value = string(field, true);
    if (value == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      error(field, "must be one of " + names + "; was '" + abbreviate(value) + "'");
      return null;
    }
  }

  /** Echoes client input in an error without letting a huge value flood it. */
  public static String abbreviate(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "…";
  }

  /** A finite number in {@code [min, max]}, or null. */
  public Double number(String field, double min, double max) {
    Object value = values.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Long) && !(value instanceof Double)) {
      error(field, "must be a number, was " + typeName(value));
      return null;
    }
    double number = ((Number) value).doubleValue();
    if (!Double.isFinite(number) || number < min || number > max) {
      error(field, "must be between " + min + " and " + max + ", was " + value);
      return null;
    }
    return number;
  }

  /**
   * An object of strings, its keys and values trimmed and its keys lower-cased, or null when
   * missing, empty or wrong (each wrong entry an error under {@code field.key}).
   */
  public Map<String, String> strings(String field, int maxEntries, int maxKey, int maxValue) {
    Object value = values.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> object)) {
      error(field, "must be an object of up to " + maxEntries + " names and string values, was " + typeName(value));
      return null;
    }
    if (object.size() > maxEntries) {
      error(field, "holds " + object.size() + " entries; at most " + maxEntries);
      return null;
    }
    Map<String, String> strings = new java.util.TreeMap<>();
    int errorsBefore = errors.size();
    for (Map.Entry<?, ?> entry : object.entrySet()) {
      String key = entry.getKey().toString().trim().toLowerCase(Locale.ROOT);
      String at = field + "." + entry.getKey();
      if (!key.matches("[a-z][a-z0-9_]{0," + (maxKey - 1) + "}")) {
        errors.add(new FieldError(path.apply(at), "a name must be a letter then letters, digits or _, at most " + maxKey
            + " characters"));
      } else if (!(entry.getValue() instanceof String text) || text.isBlank()) {
        errors.add(new FieldError(path.apply(at), "must be a non-empty string, was " + typeName(entry.getValue())));
      } else if (text.trim().length() > maxValue) {
        errors.add(new FieldError(path.apply(at), "must be at most " + maxValue + " characters, was " + text.trim().length()));
      } else if (strings.put(key, text.trim()) != null) {
        errors.add(new FieldError(path.apply(at), "is given twice (names are case-insensitive)"));
      }
    }
    return errors.size() > errorsBefore || strings.isEmpty() ? null : strings;
  }

  public static String typeName(Object value) {
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Long || value instanceof Double) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof WrongType wrong) {
      return wrong.name();
    }
    return value.getClass().getSimpleName();
  }
}

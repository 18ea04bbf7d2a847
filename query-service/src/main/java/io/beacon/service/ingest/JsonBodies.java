package io.beacon.service.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.beacon.service.problem.FieldError;
import io.beacon.service.problem.ProblemException;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/** Parses request bodies into JSON trees and JSON objects into {@link FieldValues}, rejecting unknown fields. */
@Singleton
public final class JsonBodies {

  private final JsonMapper mapper;

  JsonBodies(JsonMapper mapper) {
    this.mapper = mapper;
  }

  /** The body as a JSON tree; 400 naming the parser's complaint when it is not JSON. */
  public JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw ProblemException.invalid("body", "is empty; send a JSON document");
    }
    try {
      return mapper.readValue(body, JsonNode.class);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw ProblemException.invalid("body", "is not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw ProblemException.invalid("body", "is not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  /**
   * The fields of a JSON object; an error when {@code node} is not an object or has a field not in
   * {@code allowed}. {@code prefix} is the object's path in the body ("" at the top, "[3]" in an array).
   */
  public static FieldValues object(JsonNode node, String prefix, Set<String> allowed, List<FieldError> errors) {
    UnaryOperator<String> path = field -> prefix.isEmpty() ? field : prefix + "." + field;
    Map<String, Object> values = new HashMap<>();
    if (!node.isObject()) {
      errors.add(new FieldError(prefix.isEmpty() ? "body" : prefix, "must be a JSON object, was " + kind(node)));
      return new FieldValues(values, path, errors);
    }
    for (Map.Entry<String, JsonNode> entry : node.entries()) {
      if (!allowed.contains(entry.getKey())) {
        errors.add(new FieldError(path.apply(entry.getKey()), "is not a known field; known fields are " + new TreeSet<>(allowed)));
      } else if (!entry.getValue().isNull()) {
        values.put(entry.getKey(), value(entry.getValue()));
      }
    }
    return new FieldValues(values, path, errors);
  }

  static Object value(JsonNode node) {
    if (node.isString()) {
      return node.getStringValue();
    }
    if (node.isBoolean()) {
      return node.getBooleanValue();
    }
    if (node.isNumber()) {
      Number number = node.getNumberValue();
      if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte) {
        return number.longValue();
      }
      if (number instanceof BigInteger big) {
        return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
      }
      if (number instanceof BigDecimal decimal) {
        return decimal.doubleValue();
      }
      return number.doubleValue();
    }
    if (node.isObject()) {
      Map<String, Object> object = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : node.entries()) {
        object.put(entry.getKey(), value(entry.getValue()));
      }
      return object;
    }
    return new FieldValues.WrongType(kind(node));
  }

  public static String kind(JsonNode node) {
    if (node.isArray()) {
      return "an array";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isNull()) {
      return "null";
    }
    return FieldValues.typeName(value(node));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}

package io.beacon.loadgen.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Catalog files: JSON Lines, one product a line, each an object with the fields of the body of
 * {@code PUT /v1/products/{id}} ({@code advertiser_id}, {@code title} and optional
 * {@code description}, {@code category}, {@code brand}, {@code price}, {@code url},
 * {@code image_url}) plus the product's {@code id} and an optional ground-truth {@code label}:
 * <pre>{"id":"c00001","advertiser_id":"adv-1","title":"Lamp","category":"Home","label":"topic-03"}</pre>
 * So a line, less {@code id} and {@code label}, can be sent as it is. {@code price}, {@code url}
 * and {@code image_url} are checked for type and otherwise ignored: similarity from text does not
 * use them. A JSON null reads as an absent field. Files are UTF-8; text is written unescaped.
 */
public final class CatalogJsonl {

  static final Set<String> TEXT_FIELDS = Set.of("id", "advertiser_id", "title", "description", "category", "brand",
      "label", "url", "image_url");
  static final String FIELDS = "id, advertiser_id, title, description, category, brand, price, url, image_url, label";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private CatalogJsonl() {}

  /**
   * Every product of {@code file}, in file order, skipping blank lines. A line that is not a
   * product, or repeats an earlier line's id, fails with its line number and what is wrong.
   */
  public static List<CatalogProduct> read(Path file) throws IOException {
    List<CatalogProduct> products = new ArrayList<>();
    Map<String, Long> lineOfId = new HashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long line = 0;
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        line++;
        if (line == 1) {
          text = text.replace("\uFEFF", "");
        }
        if (text.isBlank()) {
          continue;
        }
        CatalogProduct product = parse(file, line, text);
        Long earlier = lineOfId.putIfAbsent(product.productId(), line);
        if (earlier != null) {
          throw new IllegalArgumentException(file + " line " + line + ": id '" + product.productId()
              + "' is already the id of line " + earlier);
        }
        products.add(product);
      }
    }
    if (products.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no products");
    }
    return products;
  }

  private static CatalogProduct parse(Path file, long line, String text) {
    String at = file + " line " + line + ": ";
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(at + "invalid JSON at column " + e.getLocation().getColumnNr() + ": "
          + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalArgumentException(at + "must be a JSON object, was " + typeName(node));
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (!TEXT_FIELDS.contains(name) && !name.equals("price")) {
        throw new IllegalArgumentException(at + "unknown field '" + name + "'; the fields are " + FIELDS);
      }
      if (value.isNull()) {
        continue;
      }
      boolean rightType = name.equals("price") ? value.isNumber() : value.isTextual();
      if (!rightType) {
        throw new IllegalArgumentException(at + "'" + name + "' must be " + (name.equals("price") ? "a number" : "a string")
            + ", was " + typeName(value));
      }
    }
    return new CatalogProduct(required(at, object, "id"), required(at, object, "advertiser_id"),
        required(at, object, "title"), optional(object, "description"), optional(object, "category"),
        optional(object, "brand"), optional(object, "label"));
  }

  private static String required(String at, ObjectNode object, String field) {
    String value = optional(object, field);
    if (value == null) {
      throw new IllegalArgumentException(at + "missing '" + field + "'");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(at + "'" + field + "' must not be blank");
    }
    return value;
  }

  private static String optional(ObjectNode object, String field) {
    JsonNode value = object.get(field);
    return value == null || value.isNull() ? null : value.textValue();
  }

  private static String typeName(JsonNode node) {
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case STRING -> "a string";
      case NULL -> "null";
      default -> type.name().toLowerCase(Locale.ROOT);
    };
  }

  /** Writes {@code products} one a line, fields in a fixed order, null fields left out. */
  public static void write(Path file, List<CatalogProduct> products) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (CatalogProduct product : products) {
        ObjectNode object = JSON.createObjectNode();
        object.put("id", product.productId());
        object.put("advertiser_id", product.advertiserId());
        object.put("title", product.title());
        putIfPresent(object, "description", product.description());
        putIfPresent(object, "category", product.category());
        putIfPresent(object, "brand", product.brand());
        putIfPresent(object, "label", product.label());
        out.write(JSON.writeValueAsString(object));
        out.write('\n');
      }
    }
  }

  private static void putIfPresent(ObjectNode object, String field, String value) {
    if (value != null) {
      object.put(field, value);
    }
  }
}

package io.beacon.loadgen.interactions;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Interactions files: CSV with the header {@code user_id,product_id,event_time[,type]}, one
 * interaction a row. {@code event_time} is an ISO-8601 instant ({@code 2026-11-20T10:00:00Z}) or
 * epoch seconds or milliseconds (a number below 10^11 is read as seconds: as milliseconds it would
 * be before March 1973); {@code type} is {@code view} (the default) or {@code click}. Ids hold no
 * comma or quote.
 */
public final class InteractionsCsv {

  public static final String HEADER = "user_id,product_id,event_time,type";
  private static final long SECONDS_BELOW = 100_000_000_000L;

  private InteractionsCsv() {}

  /** Every row of {@code file}, in file order; a row that is not one fails with its line and what is wrong. */
  public static List<Interaction> read(Path file) throws IOException {
    List<Interaction> rows = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = reader.readLine();
      if (header == null) {
        throw new IllegalArgumentException(file + " is empty: it needs the header " + HEADER + " ([,type] optional)");
      }
      header = header.strip().replace("\uFEFF", "");
      boolean typed = header.equals(HEADER);
      if (!typed && !header.equals("user_id,product_id,event_time")) {
        throw new IllegalArgumentException(file + " line 1: the header must be user_id,product_id,event_time or " + HEADER
            + ", was '" + header + "'");
      }
      long line = 1;
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        line++;
        if (!text.isBlank()) {
          rows.add(parse(file, line, text.strip(), typed));
        }
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(file + " holds a header and no interactions");
    }
    return rows;
  }

  private static Interaction parse(Path file, long line, String text, boolean typed) {
    String[] fields = text.split(",", -1);
    int expected = typed ? 4 : 3;
    if (fields.length != expected) {
      throw new IllegalArgumentException(file + " line " + line + ": " + fields.length + " fields, expected " + expected
          + " (" + (typed ? HEADER : "user_id,product_id,event_time") + ")");
    }
    for (int i = 0; i < 2; i++) {
      if (fields[i].isBlank() || fields[i].indexOf('"') >= 0) {
        throw new IllegalArgumentException(file + " line " + line + ": " + (i == 0 ? "user_id" : "product_id")
            + " must be a non-empty id without quotes, was '" + fields[i] + "'");
      }
    }
    boolean click = false;
    if (typed) {
      String type = fields[3].strip().toLowerCase(Locale.ROOT);
      if (!type.equals("view") && !type.equals("click") && !type.isEmpty()) {
        throw new IllegalArgumentException(file + " line " + line + ": type must be view or click, was '" + fields[3] + "'");
      }
      click = type.equals("click");
    }
    return new Interaction(line, fields[0].strip(), fields[1].strip(), time(file, line, fields[2].strip()), click);
  }

  private static long time(Path file, long line, String value) {
    try {
      if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
        long number = Long.parseLong(value);
        return number < SECONDS_BELOW ? number * 1000 : number;
      }
      return Instant.parse(value).toEpochMilli();
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(file + " line " + line + ": event_time must be an ISO-8601 instant such as"
          + " 2026-11-20T10:00:00Z, or epoch seconds or milliseconds; was '" + value + "'");
    }
  }

  /** Writes {@code rows} with the typed header, times as ISO-8601 instants. */
  public static void write(Path file, List<Interaction> rows) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(HEADER);
      out.newLine();
      for (Interaction row : rows) {
        out.write(row.userId() + ',' + row.productId() + ',' + Instant.ofEpochMilli(row.time()) + ',' + (row.click() ? "click" : "view"));
        out.newLine();
      }
    }
  }
}

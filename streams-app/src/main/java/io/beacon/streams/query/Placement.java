package io.beacon.streams.query;

import java.util.List;

/**
 * Where an advertiser's partition lives: the instance with the active copy and those with standby
 * copies, as {@code host:port} ({@code application.server}) strings.
 */
public record Placement(int partition, String active, List<String> standbys) {}

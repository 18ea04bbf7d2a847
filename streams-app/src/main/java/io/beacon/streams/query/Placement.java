package io.beacon.streams.query;

import java.util.List;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where an advertiser's partition lives: the instance with the active copy and those with standby
 * copies, as {@code host:port} ({@code application.server}) strings.
 */
public record Placement(int partition, String active, List<String> standbys) {

  /**
   * The active copy's address when no instance with an address holds the partition: it is moving,
   * or the instance that holds it shares no address ({@code application.server}).
   */
  public static final String NO_ADDRESS = HostInfo.unavailable().host() + ":" + HostInfo.unavailable().port();

  /** Whether the instance with the active copy can be reached. */
  public boolean activeHasAddress() {
    return !active.equals(NO_ADDRESS);
  }
}

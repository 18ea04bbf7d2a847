package io.beacon.loadgen;

/** Where generated records go: Kafka's events topic, or Beacon's HTTP collector. */
public interface Sink extends AutoCloseable {

  /** Registers an advertiser with a status before its events are sent. */
  void advertiser(String id, String status) throws Exception;

  void send(Planned planned) throws Exception;

  /** Waits until everything sent is acknowledged. */
  void flush() throws Exception;

  @Override
  void close() throws Exception;
}

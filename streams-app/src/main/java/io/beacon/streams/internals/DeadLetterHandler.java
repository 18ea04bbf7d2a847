package io.beacon.streams.internals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every record that cannot be deserialised to the dead-letter topic, byte for byte, with
 * where it came from and why in headers, and goes on. Kafka Streams writes the dead letter in the
 * same transaction that commits the offset past it, and counts it in its
 * {@code dropped-records-total} task metric.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {

  public static final String TOPIC_CONFIG = "beacon.dlq.topic";
  public static final String REASON_HEADER = "beacon.dlq.reason";
  public static final String EXCEPTION_HEADER = "beacon.dlq.exception";
  public static final String SOURCE_HEADER = "beacon.dlq.source";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);
  /** Kafka Streams creates handlers itself, so the count of this process is kept here for metrics. */
  private static final AtomicLong DEAD_LETTERED = new AtomicLong();
  private String topic;

  @Override
  public void configure(Map<String, ?> configs) {
    Object configured = configs.get(TOPIC_CONFIG);
    if (configured == null) {
      throw new ConfigException(TOPIC_CONFIG + " must name the dead-letter topic");
    }
    topic = configured.toString();
  }

  /** Records sent to the dead-letter topic by this process since it started (a transaction may still abort). */
  public static long deadLettered() {
    return DEAD_LETTERED.get();
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    String source = record.topic() + "-" + record.partition() + "@" + record.offset();
    LOG.warn("unreadable record at {} (task {}) sent to {}: {}", source, context.taskId(), topic, exception.getMessage());
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add(REASON_HEADER, String.valueOf(exception.getMessage()).getBytes(StandardCharsets.UTF_8));
    headers.add(EXCEPTION_HEADER, exception.getClass().getName().getBytes(StandardCharsets.UTF_8));
    headers.add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
    DEAD_LETTERED.incrementAndGet();
    return Response.resume(List.of(new ProducerRecord<>(topic, null, record.timestamp(), record.key(), record.value(), headers)));
  }
}

package dev.pasarela.pipeline.errors;

import org.apache.camel.Exchange;

/**
 * Told of every message on its way to a dead-letter queue, with the failure headers set (the
 * outbox marks an outbound message failed, for example). A listener that throws rolls the dead
 * letter back, so the consumer's message is not lost.
 */
public interface DeadLetterListener {

    void deadLettered(Exchange exchange);
}

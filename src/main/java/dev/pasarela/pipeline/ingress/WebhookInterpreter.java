package dev.pasarela.pipeline.ingress;

import java.util.List;

/**
 * Reads a verified webhook just enough to route it: event ids, types and tenant identities.
 * Full mapping to canonical events happens later, off the queue. Throws
 * {@link dev.pasarela.pipeline.errors.ProblemException} (400) for a body it cannot read.
 */
public interface WebhookInterpreter {

    String provider();

    List<InboundEvent> interpret(byte[] body);
}

package dev.pasarela.pipeline.ingress;

import dev.pasarela.pipeline.errors.ProblemException;
import java.util.List;

/**
 * Reads a verified webhook just enough to route it: event ids, types and tenant identities.
 * Full mapping to canonical events happens later, off the queue. Throws
 * {@link dev.pasarela.pipeline.errors.ProblemException} (400) for a body it cannot read.
 */
public interface WebhookInterpreter {

    String provider();

    List<InboundEvent> interpret(byte[] body);

    /** The 400 every interpreter answers for a body it cannot read. */
    static ProblemException invalidPayload(String detail) {
        return new ProblemException(400, "invalid-payload", "Invalid webhook payload", detail);
    }
}

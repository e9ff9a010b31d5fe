package dev.pasarela.pipeline.ingress;

import dev.pasarela.api.ProblemException;
import java.util.List;

/**
 * Reads a verified webhook just enough to route it: event ids, types and tenant identities.
 * Full mapping to canonical events happens later, off the queue. Throws
 * {@link dev.pasarela.api.ProblemException} (400) for a body it cannot read.
 */
public interface WebhookInterpreter {

    String provider();

    List<InboundEvent> interpret(byte[] body);

    /**
     * Reads a request as it arrived. Providers whose event id or kind is in a header or the path
     * (Svix's {@code svix-id}, Twilio's two webhook URLs) override this and enqueue a payload that
     * {@link #interpret(byte[])} reads alone, so a parked event replays the same.
     */
    default List<InboundEvent> interpret(RawRequest request) {
        return interpret(request.body());
    }

    /**
     * True for providers that post several events in one request, across tenants. Refusing such
     * a batch for one event would lose the others after the provider's retries, so an event that
     * cannot be read is returned as {@link InboundEvent#deadLetter} and dead-lettered alone; a
     * single-event provider's request is refused at the door instead.
     */
    default boolean batches() {
        return false;
    }

    /** What the provider gets back once every event is queued; JSON unless it expects something else. */
    default Acknowledgement acknowledgement() {
        return Acknowledgement.JSON;
    }

    record Acknowledgement(String contentType, String body) {
        public static final Acknowledgement JSON = new Acknowledgement("application/json", "{\"received\":true}");
    }

    /** The 400 every interpreter answers for a body it cannot read. */
    static ProblemException invalidPayload(String detail) {
        return new ProblemException(400, "invalid-payload", "Invalid webhook payload", detail);
    }

    /** The body as JSON, or the invalid-payload problem; a missing node for an empty body (Jackson 2.10 on). */
    static com.fasterxml.jackson.databind.JsonNode readJson(com.fasterxml.jackson.databind.ObjectMapper json, byte[] body) {
        try {
            return json.readTree(body);
        } catch (java.io.IOException e) {
            throw invalidPayload("The body is not valid JSON.");
        }
    }
}

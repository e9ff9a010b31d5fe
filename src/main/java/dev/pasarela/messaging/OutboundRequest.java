package dev.pasarela.messaging;

import java.util.Map;
import java.util.function.Consumer;

/**
 * A message to accept into the {@link Outbox}: whom, on which channel, what, under which
 * Idempotency-Key.
 *
 * @param checks the channel's rules, which may refuse with a problem; run for a new request only, so
 *               a retried key gets its first answer even if the rules changed since
 * @param annotations kept on the stored message, never sent (a notification id…)
 * @param onRecorded runs with the new message's id once it is recorded and before it is queued, for
 *                   a caller that must know the id before a consumer can act on it; not for a replay
 */
public record OutboundRequest(String tenantId, String channel, String to, ChannelRequest request,
                              String idempotencyKey, Runnable checks, Map<String, Object> annotations,
                              Consumer<String> onRecorded) {

    public OutboundRequest {
        checks = checks == null ? () -> { } : checks;
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        onRecorded = onRecorded == null ? id -> { } : onRecorded;
    }

    public static OutboundRequest of(String tenantId, String channel, String to, ChannelRequest request,
                                     String idempotencyKey) {
        return new OutboundRequest(tenantId, channel, to, request, idempotencyKey, null, null, null);
    }

    public OutboundRequest checkedBy(Runnable rules) {
        return new OutboundRequest(tenantId, channel, to, request, idempotencyKey, rules, annotations, onRecorded);
    }

    public OutboundRequest annotated(Map<String, Object> more) {
        return new OutboundRequest(tenantId, channel, to, request, idempotencyKey, checks, more, onRecorded);
    }

    public OutboundRequest whenRecorded(Consumer<String> callback) {
        return new OutboundRequest(tenantId, channel, to, request, idempotencyKey, checks, annotations, callback);
    }
}

package dev.pasarela.integrations.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.WebhookIds;
import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * SendGrid posts a JSON array of events, batched across messages (and so across tenants). Each
 * event is its own {@link InboundEvent}, deduplicated on {@code sg_event_id}, queued as a one-event
 * array so a replayed event reads the same. The tenant is the {@code tenant_id} custom arg the
 * gateway's sender puts on every message (custom args come back as top-level keys): SendGrid's
 * events carry neither the sender nor the account, so there is no identity to route by.
 */
@Component
public class SendGridWebhookInterpreter implements WebhookInterpreter {

    public static final String PROVIDER = "sendgrid";
    public static final String TENANT_ARG = "tenant_id";
    static final Set<String> PROCESSED = Set.of("processed", "deferred", "delivered", "bounce", "dropped",
            "spamreport", "open", "click");

    private final ObjectMapper json;

    public SendGridWebhookInterpreter(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public List<InboundEvent> interpret(byte[] body) {
        JsonNode root = WebhookInterpreter.readJson(json, body);
        if (root == null || !root.isArray()) {
            throw WebhookInterpreter.invalidPayload("Expected a JSON array of SendGrid events.");
        }
        List<InboundEvent> events = new ArrayList<>();
        for (JsonNode event : root) {
            byte[] payload = json.createArrayNode().add(event).toString().getBytes(StandardCharsets.UTF_8);
            try {
                events.add(event(event, payload));
            } catch (ProblemException refused) {
                // one event the door would refuse alone: it is dead-lettered, not the batch refused
                // (SendGrid would retry it with every other tenant's events in it, then drop it)
                events.add(InboundEvent.deadLetter(PROVIDER, refused.detail(), payload));
            }
        }
        return events;
    }

    private InboundEvent event(JsonNode event, byte[] payload) {
        if (!event.isObject() || !event.path("event").isTextual()) {
            throw WebhookInterpreter.invalidPayload("Every SendGrid event is an object with an event name.");
        }
        String type = WebhookIds.check("SendGrid event name", event.path("event").asText());
        WebhookIds.check("sg_message_id", event.path("sg_message_id").asText(null));
        String id = event.path("sg_event_id").isTextual() ? WebhookIds.check("sg_event_id", event.path("sg_event_id").asText())
                : "noid:" + Integer.toHexString(event.toString().hashCode());
        return new InboundEvent(PROVIDER + ":" + id, PROVIDER + "." + type, PROCESSED.contains(type), List.of(),
                event.path(TENANT_ARG).asText(null), payload);
    }

    @Override
    public boolean batches() {
        return true;
    }
}

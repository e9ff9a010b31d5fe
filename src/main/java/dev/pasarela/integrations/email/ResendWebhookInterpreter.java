package dev.pasarela.integrations.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.ingress.WebhookIds;
import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * One Resend event per request, deduplicated on its {@code svix-id} header (stable across Svix's
 * retries). The header is not in the body, so the queued payload is {@code {"svixId":…,"event":…}}.
 * The tenant: the routing key {@code email:<domain of from>} (a tenant's {@code email} identity is
 * its sending domain), else the {@code tenant_id} tag the gateway's sender adds.
 */
@Component
public class ResendWebhookInterpreter implements WebhookInterpreter {

    public static final String PROVIDER = "resend";
    public static final String TENANT_TAG = "tenant_id";
    static final Set<String> PROCESSED = Set.of("email.sent", "email.delivered", "email.delivery_delayed",
            "email.complained", "email.bounced", "email.opened", "email.clicked", "email.failed", "email.scheduled");

    private final ObjectMapper json;

    public ResendWebhookInterpreter(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public List<InboundEvent> interpret(RawRequest request) {
        String id = ResendSignatureVerifier.header(request, ResendSignatureVerifier.ID);
        ObjectNode envelope = json.createObjectNode().put("svixId", id);
        envelope.set("event", read(request.body()));
        return interpret(envelope);
    }

    /** Reads a queued envelope (a parked event replayed). */
    @Override
    public List<InboundEvent> interpret(byte[] body) {
        JsonNode envelope = read(body);
        return interpret(envelope);
    }

    private List<InboundEvent> interpret(JsonNode envelope) {
        String id = envelope.path("svixId").asText(null);
        JsonNode event = envelope.path("event");
        if (id == null || id.isBlank() || !event.path("type").isTextual() || !event.path("data").isObject()) {
            throw WebhookInterpreter.invalidPayload("Expected a Resend event with a type and data.");
        }
        WebhookIds.check("svix-id", id);
        String type = WebhookIds.check("Resend event type", event.path("type").asText());
        JsonNode data = event.path("data");
        WebhookIds.check("Resend email_id", data.path("email_id").asText(null));
        List<String> routing = new ArrayList<>();
        String domain = domain(data.path("from").asText(""));
        if (domain != null && domain.length() <= 253) { // longer is no DNS name, so no tenant's identity
            routing.add("email:" + domain);
        }
        return List.of(new InboundEvent(PROVIDER + ":" + id, type, PROCESSED.contains(type), routing,
                tag(data.path("tags"), TENANT_TAG), envelope.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private JsonNode read(byte[] body) {
        JsonNode n = WebhookInterpreter.readJson(json, body);
        if (n == null || !n.isObject()) {
            throw WebhookInterpreter.invalidPayload("Expected a JSON object.");
        }
        return n;
    }

    /** Tags arrive as an object ({@code {"tenant_id":"t1"}}) in Resend's webhook and as name/value pairs when sent. */
    static String tag(JsonNode tags, String name) {
        if (tags.isObject()) {
            return tags.path(name).asText(null);
        }
        for (JsonNode t : tags) {
            if (name.equals(t.path("name").asText())) {
                return t.path("value").asText(null);
            }
        }
        return null;
    }

    /** {@code Acme <noreply@autos.example>} → {@code autos.example}. */
    static String domain(String from) {
        int lt = from.lastIndexOf('<');
        String address = lt >= 0 ? from.substring(lt + 1).replace(">", "") : from;
        int at = address.lastIndexOf('@');
        String d = at < 0 ? "" : address.substring(at + 1).trim().toLowerCase(Locale.ROOT);
        return d.isEmpty() || d.contains("/") || d.contains(" ") ? null : d;
    }
}

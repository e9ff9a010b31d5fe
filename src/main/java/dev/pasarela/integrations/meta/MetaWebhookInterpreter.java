package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pasarela.pipeline.errors.ProblemException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Meta batches: one webhook may carry several entries and changes, for several tenants (WhatsApp
 * phone number ids, Facebook page ids, Instagram account ids). Each message and each status
 * becomes its own event, routed and deduplicated on its own, with its own small payload.
 */
@Component
public class MetaWebhookInterpreter implements WebhookInterpreter {

    public static final String PROVIDER = "meta";
    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public List<InboundEvent> interpret(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw invalid("The body is not valid JSON.");
        }
        if (root == null || !root.path("object").isTextual() || !root.path("entry").isArray()) {
            throw invalid("Expected a Meta webhook with an object and entries.");
        }
        String object = root.path("object").asText();
        List<InboundEvent> events = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            switch (object) {
                case "whatsapp_business_account" -> whatsapp(entry, events);
                case "page", "instagram" -> messaging(object, entry, events);
                default -> events.add(event(object + ":" + entry.path("id").asText() + ":" + entry.path("time").asText(),
                        object, false, List.of(), entry));
            }
        }
        return events;
    }

    private void whatsapp(JsonNode entry, List<InboundEvent> events) {
        for (JsonNode change : entry.path("changes")) {
            JsonNode value = change.path("value");
            String phoneNumberId = value.path("metadata").path("phone_number_id").asText(null);
            List<String> routing = phoneNumberId == null ? List.of() : List.of("whatsapp:" + phoneNumberId);
            if (!"messages".equals(change.path("field").asText())) {
                // template status updates and other fields arrive here too; later work processes them
                events.add(event("wa:" + change.path("field").asText() + ":" + entry.path("id").asText() + ":"
                        + Integer.toHexString(change.toString().hashCode()), "whatsapp." + change.path("field").asText(),
                        false, routing, change));
                continue;
            }
            for (JsonNode message : value.path("messages")) {
                ObjectNode payload = json.createObjectNode().put("object", "whatsapp_business_account");
                payload.set("metadata", value.path("metadata"));
                payload.set("contacts", value.path("contacts"));
                payload.set("message", message);
                events.add(event("wa:msg:" + message.path("id").asText(), "whatsapp.message", true, routing, payload));
            }
            for (JsonNode status : value.path("statuses")) {
                ObjectNode payload = json.createObjectNode().put("object", "whatsapp_business_account");
                payload.set("metadata", value.path("metadata"));
                payload.set("status", status);
                events.add(event("wa:status:" + status.path("id").asText() + ":" + status.path("status").asText(),
                        "whatsapp.status", true, routing, payload));
            }
        }
    }

    private void messaging(String object, JsonNode entry, List<InboundEvent> events) {
        String channel = object.equals("page") ? "messenger" : "instagram";
        String account = entry.path("id").asText();
        List<String> routing = List.of((object.equals("page") ? "facebook:" : "instagram:") + account);
        for (JsonNode m : entry.path("messaging")) {
            ObjectNode payload = json.createObjectNode().put("object", object).put("channel", channel);
            payload.set("messaging", m);
            String sender = m.path("sender").path("id").asText();
            if (m.has("message")) {
                boolean echo = m.path("message").path("is_echo").asBoolean(false); // our own sends
                events.add(event(channel + ":msg:" + m.path("message").path("mid").asText(), channel + ".message",
                        !echo, routing, payload));
            } else if (m.has("postback")) {
                events.add(event(channel + ":postback:" + m.path("postback").path("mid").asText(sender + ":"
                        + m.path("timestamp").asText()), channel + ".postback", true, routing, payload));
            } else if (m.has("delivery")) {
                events.add(event(channel + ":delivery:" + sender + ":" + m.path("delivery").path("watermark").asText(),
                        channel + ".delivery", true, routing, payload));
            } else {
                events.add(event(channel + ":other:" + sender + ":" + m.path("timestamp").asText(),
                        channel + "." + m.fieldNames().next(), false, routing, payload));
            }
        }
    }

    private static InboundEvent event(String key, String type, boolean processable, List<String> routing, JsonNode payload) {
        return new InboundEvent(PROVIDER + ":" + key, type, processable, routing, null,
                payload.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-payload", "Invalid webhook payload", detail);
    }
}

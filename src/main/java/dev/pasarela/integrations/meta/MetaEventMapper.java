package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.pipeline.transform.EventMapper;
import dev.pasarela.pipeline.transform.EventTimes;
import dev.pasarela.pipeline.transform.InboundMessage;
import dev.pasarela.pipeline.transform.PostActivity;
import dev.pasarela.pipeline.transform.QueuedEvent;
import dev.pasarela.pipeline.transform.TemplateStatusChanged;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * WhatsApp, Messenger and Instagram webhook events → {@link InboundMessage} / {@link DeliveryStatus};
 * Page feed changes and Instagram comments → {@link PostActivity}.
 * Pure: a WhatsApp media message keeps its media id in {@code content.mediaId}; its URL is fetched
 * by the route's enrich step ({@link WhatsAppMedia}).
 */
@Component
public class MetaEventMapper implements EventMapper {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private final ObjectMapper json;
    private final Clock clock;

    public MetaEventMapper(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return MetaWebhookInterpreter.PROVIDER;
    }

    @Override
    public List<CanonicalEvent> map(QueuedEvent q) {
        JsonNode p;
        try {
            p = json.readTree(q.payload());
        } catch (IOException e) {
            throw new PermanentException("Meta event is not valid JSON", e);
        }
        // every queued event is a one-event webhook (see MetaWebhookInterpreter)
        JsonNode entry = p.path("entry").path(0);
        JsonNode value = entry.path("changes").path(0).path("value");
        JsonNode messaging = entry.path("messaging").path(0);
        String channel = "page".equals(p.path("object").asText()) ? "messenger" : "instagram";
        try {
            return switch (q.eventType()) {
                case "whatsapp.message" -> List.of(whatsappMessage(q, value));
                case "whatsapp.status" -> List.of(whatsappStatus(q, value.path("statuses").path(0)));
                case "whatsapp.template_status" -> List.of(templateStatus(q, entry, value));
                case "messenger.message", "instagram.message", "messenger.postback", "instagram.postback" ->
                        List.of(messagingMessage(q, channel, messaging));
                case "messenger.delivery", "instagram.delivery" -> deliveries(q, channel, messaging);
                case "facebook.feed" -> List.of(feed(q, entry, value));
                case "instagram.comment" -> List.of(instagramComment(q, entry, value));
                default -> throw new PermanentException("Meta event type " + q.eventType() + " is not processed");
            };
        } catch (IllegalArgumentException | NullPointerException unreadable) {
            // the exception's kind, not its message: that may quote the payload (a phone number, a text)
            throw new PermanentException("Meta event " + q.eventKey() + " cannot be read: "
                    + unreadable.getClass().getSimpleName(), unreadable);
        }
    }

    private InboundMessage whatsappMessage(QueuedEvent q, JsonNode p) {
        JsonNode m = p.path("messages").path(0);
        String type = m.path("type").asText("unknown");
        Map<String, Object> content = new LinkedHashMap<>();
        String kind = type;
        switch (type) {
            case "text" -> content.put("text", m.path("text").path("body").asText());
            case "image", "video", "audio", "document", "sticker" -> {
                JsonNode attached = m.path(type);
                String mediaId = attached.path("id").asText();
                content.put("mediaId", mediaId);
                putIfText(content, "mimeType", attached.path("mime_type"));
                putIfText(content, "sha256", attached.path("sha256"));
                putIfText(content, "caption", attached.path("caption"));
                putIfText(content, "filename", attached.path("filename"));
            }
            case "location" -> content.putAll(json.convertValue(m.path("location"), MAP));
            case "interactive" -> {
                JsonNode i = m.path("interactive");
                kind = i.path("type").asText("interactive");
                if (i.path(kind).isObject()) {
                    content.putAll(json.convertValue(i.path(kind), MAP));
                }
            }
            case "contacts" -> content.put("contacts", json.convertValue(m.path("contacts"), List.class));
            case "button" -> content.putAll(json.convertValue(m.path("button"), MAP));
            case "reaction" -> {
                content.put("messageId", m.path("reaction").path("message_id").asText());
                putIfText(content, "emoji", m.path("reaction").path("emoji"));
            }
            default -> {
                JsonNode body = m.path(type);
                if (body.isObject()) {
                    content.putAll(json.convertValue(body, MAP));
                } else if (!body.isMissingNode()) {
                    content.put(type, json.convertValue(body, Object.class));
                }
            }
        }
        String from = m.path("from").asText(null);
        if (from == null || !m.path("id").isTextual()) {
            throw new PermanentException("WhatsApp message without id or sender");
        }
        String name = null;
        for (JsonNode c : p.path("contacts")) {
            if (from.equals(c.path("wa_id").asText())) {
                name = c.path("profile").path("name").asText(null);
            }
        }
        return new InboundMessage(q.tenantId(), q.eventKey(), provider(), seconds(m.path("timestamp"), "WhatsApp message timestamp"), "whatsapp",
                m.path("id").asText(), from, name, kind, content, m.path("context").path("id").asText(null));
    }

    private DeliveryStatus whatsappStatus(QueuedEvent q, JsonNode s) {
        JsonNode error = s.path("errors").path(0);
        // key on the code and error_data.details: Meta calls the titles deprecated
        String detail = error.path("error_data").path("details").asText(error.path("title").asText(null));
        return new DeliveryStatus(q.tenantId(), q.eventKey(), provider(), seconds(s.path("timestamp"), "WhatsApp status timestamp"), "whatsapp",
                s.path("id").asText(), s.path("recipient_id").asText(null),
                dev.pasarela.pipeline.transform.DeliveryState.of(s.path("status").asText()), s.path("status").asText(),
                error.has("code") ? error.path("code").asText() : null, detail);
    }

    /** {@code message_template_status_update}: {@code event} is the new status; {@code entry.time} is in seconds. */
    private TemplateStatusChanged templateStatus(QueuedEvent q, JsonNode entry, JsonNode v) {
        String name = v.path("message_template_name").asText(null);
        String language = v.path("message_template_language").asText(null);
        if (name == null || language == null || !v.path("event").isTextual()) {
            throw new PermanentException("template status update without name, language or event");
        }
        Instant at = entry.has("time") ? EventTimes.seconds("template status entry.time", longOf(entry.path("time"), "template status entry.time"))
                : clock.instant();
        return new TemplateStatusChanged(q.tenantId(), q.eventKey(), provider(), at, "whatsapp",
                v.path("message_template_id").asText(), name, language, v.path("event").asText(),
                v.path("reason").asText(null));
    }

    private InboundMessage messagingMessage(QueuedEvent q, String channel, JsonNode m) {
        Map<String, Object> content = new LinkedHashMap<>();
        String kind;
        String id;
        String replyTo = null;
        if (m.has("postback")) {
            kind = "postback";
            id = m.path("postback").path("mid").asText(q.eventKey());
            putIfText(content, "title", m.path("postback").path("title"));
            putIfText(content, "payload", m.path("postback").path("payload"));
        } else {
            JsonNode msg = m.path("message");
            id = msg.path("mid").asText();
            kind = msg.has("text") ? "text" : "attachment";
            putIfText(content, "text", msg.path("text"));
            if (msg.has("attachments")) {
                content.put("attachments", json.convertValue(msg.path("attachments"), List.class));
            }
            putIfText(content, "quickReply", msg.path("quick_reply").path("payload"));
            replyTo = msg.path("reply_to").path("mid").asText(null);
        }
        return new InboundMessage(q.tenantId(), q.eventKey(), provider(), millis(m.path("timestamp"), channel + " message timestamp"), channel, id,
                m.path("sender").path("id").asText(), null, kind, content, replyTo);
    }

    private List<CanonicalEvent> deliveries(QueuedEvent q, String channel, JsonNode m) {
        List<CanonicalEvent> out = new ArrayList<>();
        for (JsonNode mid : m.path("delivery").path("mids")) {
            out.add(new DeliveryStatus(q.tenantId(), q.eventKey() + ":" + mid.asText(), provider(),
                    millis(m.path("timestamp"), channel + " delivery timestamp"), channel, mid.asText(), m.path("sender").path("id").asText(),
                    dev.pasarela.pipeline.transform.DeliveryState.DELIVERED, "delivery", null, null));
        }
        return out;
    }

    /** A Page feed change: {@code post_id} is {@code <page>_<post>}; {@code created_time} is Unix seconds. */
    private PostActivity feed(QueuedEvent q, JsonNode entry, JsonNode v) {
        String item = v.path("item").asText(null);
        String verb = v.path("verb").asText(null);
        if (item == null || verb == null) {
            throw new PermanentException("Page feed change without item or verb");
        }
        JsonNode from = v.path("from");
        Instant at = v.path("created_time").canConvertToLong() && v.path("created_time").asLong() > 0
                ? EventTimes.seconds("Page feed created_time", v.path("created_time").asLong()) : entryTime(entry);
        return new PostActivity(q.tenantId(), q.eventKey(), provider(), at, "facebook", v.path("post_id").asText(null),
                item, verb, v.path("comment_id").asText(null), v.path("parent_id").asText(null),
                from.path("id").asText(v.path("sender_id").asText(null)),
                from.path("name").asText(v.path("sender_name").asText(null)), v.path("message").asText(null));
    }

    /** An Instagram comment ({@code comments} field): only additions are notified; the post is the media. */
    private PostActivity instagramComment(QueuedEvent q, JsonNode entry, JsonNode v) {
        if (!v.path("id").isTextual()) {
            throw new PermanentException("Instagram comment without id");
        }
        JsonNode from = v.path("from");
        return new PostActivity(q.tenantId(), q.eventKey(), provider(), entryTime(entry), "instagram",
                v.path("media").path("id").asText(null), "comment", "add", v.path("id").asText(),
                v.path("parent_id").asText(null), from.path("id").asText(null), from.path("username").asText(null),
                v.path("text").asText(null));
    }

    /** {@code entry.time}: Meta sends seconds on some objects and milliseconds on others; now when absent. */
    private Instant entryTime(JsonNode entry) {
        long t = entry.path("time").asLong(0);
        if (t <= 0) {
            return clock.instant();
        }
        return t > 100_000_000_000L ? EventTimes.millis("entry.time", t) : EventTimes.seconds("entry.time", t);
    }

    private static void putIfText(Map<String, Object> content, String key, JsonNode value) {
        if (value.isTextual()) {
            content.put(key, value.asText());
        }
    }

    /** WhatsApp sends Unix seconds as a string; one out of range is a permanent failure naming the field. */
    private static Instant seconds(JsonNode timestamp, String field) {
        return EventTimes.seconds(field, timestamp.asText("0"));
    }

    /** Messenger and Instagram send milliseconds. */
    private static Instant millis(JsonNode timestamp, String field) {
        return EventTimes.millis(field, longOf(timestamp, field));
    }

    /** A whole number (or one written as a string) that fits a long; otherwise a permanent failure naming the field. */
    private static long longOf(JsonNode node, String field) {
        if (node.isNumber() && node.canConvertToExactIntegral() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText());
            } catch (NumberFormatException e) {
                // falls through to the refusal below
            }
        }
        throw new PermanentException(field + " is not a whole number");
    }
}

package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.WebhookIds;
import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Meta batches: one webhook may carry several entries and changes, for several tenants (WhatsApp
 * phone number ids, Facebook page ids, Instagram account ids). Each message and each status
 * becomes its own event, routed and deduplicated on its own. Its payload is a one-event Meta
 * webhook of the same shape, so reading it again (a parked event replayed) gives the same event.
 * Page feed changes ({@code object: page}, field {@code feed}) and Instagram comments
 * ({@code object: instagram}, field {@code comments}) are one event per change, keyed by the
 * comment (or post) and what happened to it. An entry or change that carries nothing processed
 * (errors only, other fields…) is still an event, counted and acknowledged: a 4xx would make Meta
 * retry it for days. For the same reason a part with an id over the limits is an unreadable event
 * of its own (dead-lettered), not a refusal of the batch.
 */
@Component
public class MetaWebhookInterpreter implements WebhookInterpreter {

    public static final String PROVIDER = "meta";
    private final ObjectMapper json;

    public MetaWebhookInterpreter(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public boolean batches() {
        return true;
    }

    @Override
    public List<InboundEvent> interpret(byte[] body) {
        JsonNode root = WebhookInterpreter.readJson(json, body);
        if (root == null || !root.path("object").isTextual() || !root.path("entry").isArray()) {
            throw WebhookInterpreter.invalidPayload("Expected a Meta webhook with an object and entries.");
        }
        String object = root.path("object").asText();
        List<InboundEvent> events = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            int before = events.size();
            ObjectNode alone = json.createObjectNode().put("object", object);
            alone.putArray("entry").add(entry);
            readable(events, alone, () -> {
                switch (object) {
                    case "whatsapp_business_account" -> whatsapp(entry, events);
                    case "page", "instagram" -> messaging(object, entry, events);
                    default -> { }
                }
            });
            if (events.size() == before) {
                events.add(event(object + ":other:" + entry.path("id").asText() + ":"
                        + Integer.toHexString(entry.toString().hashCode()), object + ".other", false, List.of(), entry));
            }
        }
        return events;
    }

    private void whatsapp(JsonNode entry, List<InboundEvent> events) {
        for (JsonNode change : entry.path("changes")) {
            ObjectNode alone = json.createObjectNode().put("object", "whatsapp_business_account");
            ObjectNode oneEntry = alone.putArray("entry").addObject();
            oneEntry.set("id", entry.path("id"));
            oneEntry.set("time", entry.path("time"));
            oneEntry.putArray("changes").add(change);
            readable(events, alone, () -> whatsappChange(entry, change, events));
        }
    }

    private void whatsappChange(JsonNode entry, JsonNode change, List<InboundEvent> events) {
        JsonNode value = change.path("value");
        String phoneNumberId = WebhookIds.check("WhatsApp phone_number_id",
                value.path("metadata").path("phone_number_id").asText(null));
        List<String> routing = phoneNumberId == null ? List.of() : List.of("whatsapp:" + phoneNumberId);
        if ("message_template_status_update".equals(change.path("field").asText())) {
            // no phone number here: the WABA (entry.id) names the tenant
            WebhookIds.check("WhatsApp Business Account id", entry.path("id").asText(null));
            WebhookIds.check("message_template_id", value.path("message_template_id").asText(null));
            WebhookIds.check("template status event", value.path("event").asText(null));
            ObjectNode root = json.createObjectNode().put("object", "whatsapp_business_account");
            ObjectNode one = root.putArray("entry").addObject();
            one.set("id", entry.path("id"));
            one.set("time", entry.path("time"));
            one.putArray("changes").add(change);
            events.add(event("wa:template:" + value.path("message_template_id").asText() + ":"
                    + value.path("event").asText() + ":" + entry.path("time").asText(), "whatsapp.template_status",
                    true, List.of("whatsapp-business-account:" + entry.path("id").asText()), root));
            return;
        }
        if (!"messages".equals(change.path("field").asText())) {
            // account alerts, quality updates… are acknowledged and counted, not processed
            events.add(event("wa:" + change.path("field").asText() + ":" + entry.path("id").asText() + ":"
                    + Integer.toHexString(change.toString().hashCode()), "whatsapp." + change.path("field").asText(),
                    false, routing, change));
            return;
        }
        for (JsonNode message : value.path("messages")) {
            ObjectNode one = json.createObjectNode().put("messaging_product", "whatsapp");
            one.set("metadata", value.path("metadata"));
            one.set("contacts", value.path("contacts"));
            one.putArray("messages").add(message);
            ObjectNode payload = whatsappEnvelope(entry, one);
            readable(events, payload, () -> {
                WebhookIds.check("WhatsApp message id", message.path("id").asText(null));
                WebhookIds.check("WhatsApp message sender", message.path("from").asText(null));
                events.add(event("wa:msg:" + message.path("id").asText(), "whatsapp.message", true, routing, payload));
            });
        }
        for (JsonNode status : value.path("statuses")) {
            ObjectNode one = json.createObjectNode().put("messaging_product", "whatsapp");
            one.set("metadata", value.path("metadata"));
            one.putArray("statuses").add(status);
            ObjectNode payload = whatsappEnvelope(entry, one);
            readable(events, payload, () -> {
                WebhookIds.check("WhatsApp status message id", status.path("id").asText(null));
                WebhookIds.check("WhatsApp status", status.path("status").asText(null));
                WebhookIds.check("WhatsApp status recipient", status.path("recipient_id").asText(null));
                events.add(event("wa:status:" + status.path("id").asText() + ":" + status.path("status").asText(),
                        "whatsapp.status", true, routing, payload));
            });
        }
    }

    private void messaging(String object, JsonNode entry, List<InboundEvent> events) {
        String channel = object.equals("page") ? "messenger" : "instagram";
        String account = WebhookIds.check(channel + " account id", entry.path("id").asText());
        List<String> routing = List.of((object.equals("page") ? "facebook:" : "instagram:") + account);
        changes(object, entry, account, routing, events);
        for (JsonNode m : entry.path("messaging")) {
            ObjectNode payload = json.createObjectNode().put("object", object);
            ObjectNode one = payload.putArray("entry").addObject().put("id", account);
            one.set("time", entry.path("time"));
            one.putArray("messaging").add(m);
            readable(events, payload, () -> messagingEvent(channel, m, routing, payload, events));
        }
    }

    private void messagingEvent(String channel, JsonNode m, List<String> routing, ObjectNode payload,
                                List<InboundEvent> events) {
        String sender = WebhookIds.check(channel + " sender id", m.path("sender").path("id").asText());
        WebhookIds.check(channel + " message id", m.path("message").path("mid").asText(null));
        WebhookIds.check(channel + " postback id", m.path("postback").path("mid").asText(null));
        WebhookIds.check(channel + " reply-to message id", m.path("message").path("reply_to").path("mid").asText(null));
        for (JsonNode mid : m.path("delivery").path("mids")) {
            WebhookIds.check(channel + " delivered message id", mid.asText(null));
        }
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
            events.add(event(channel + ":other:" + sender + ":" + m.path("timestamp").asText() + ":"
                    + Integer.toHexString(m.toString().hashCode()), channel + ".other", false, routing, payload));
        }
    }

    /**
     * Page feed: {@code value {item, verb, post_id, comment_id?, parent_id?, from{id,name}, message?,
     * created_time}}; Instagram: {@code value {id, text, from{id,username}, media{id,media_product_type},
     * parent_id?}}. The key is what Meta repeats when it retries the same notification: the comment
     * (or post), the item and the verb, plus who reacted (several people react to one post) and,
     * for an edit, when Meta sent it (a comment can be edited twice).
     */
    private void changes(String object, JsonNode entry, String account, List<String> routing, List<InboundEvent> events) {
        JsonNode changes = entry.path("changes");
        boolean anyProcessed = false;
        for (JsonNode change : changes) {
            ObjectNode payload = json.createObjectNode().put("object", object);
            ObjectNode one = payload.putArray("entry").addObject().put("id", account);
            one.set("time", entry.path("time"));
            one.putArray("changes").add(change);
            int before = events.size();
            readable(events, payload, () -> change(object, entry, change, routing, payload, events));
            anyProcessed |= events.size() > before;
        }
        if (anyProcessed) {
            // the others of a mixed entry are counted as before, one event each
            for (JsonNode change : changes) {
                String field = change.path("field").asText();
                if (!(object.equals("page") && field.equals("feed")) && !(object.equals("instagram") && field.equals("comments"))) {
                    events.add(event(object + ":other:" + account + ":" + Integer.toHexString(change.toString().hashCode()),
                            object + ".other", false, routing, change));
                }
            }
        }
    }

    /** One page feed or Instagram comment change: an event if it is one the gateway processes. */
    private void change(String object, JsonNode entry, JsonNode change, List<String> routing, ObjectNode payload,
                        List<InboundEvent> events) {
        String field = change.path("field").asText();
        JsonNode v = change.path("value");
        String key = null;
        String type = null;
        if (object.equals("page") && field.equals("feed") && v.path("item").isTextual() && v.path("verb").isTextual()) {
            String item = v.path("item").asText();
            String verb = v.path("verb").asText();
            String id = WebhookIds.check("Page feed comment or post id",
                    v.path("comment_id").asText(v.path("post_id").asText("")));
            WebhookIds.check("Page feed post id", v.path("post_id").asText(null));
            WebhookIds.check("Page feed parent id", v.path("parent_id").asText(null));
            WebhookIds.check("Page feed item", item);
            WebhookIds.check("Page feed verb", verb);
            WebhookIds.check("Page feed sender id", v.path("from").path("id").asText(v.path("sender_id").asText(null)));
            if (!id.isEmpty()) {
                key = "facebook:feed:" + id + ":" + item + ":" + verb;
                // a comment or post is one person's; a reaction or share (on a post or a comment) is anyone's
                if (!item.equals("comment") && !item.equals("post") && !item.equals("status")) {
                    key += ":" + v.path("from").path("id").asText(v.path("sender_id").asText(""));
                }
                if (verb.equals("edited") || verb.equals("edit")) { // edited twice, a reaction changed twice
                    key += ":" + entry.path("time").asText();
                }
                type = "facebook.feed";
            }
        } else if (object.equals("instagram") && field.equals("comments") && v.path("id").isTextual()) {
            key = "instagram:comment:" + WebhookIds.check("Instagram comment id", v.path("id").asText());
            WebhookIds.check("Instagram media id", v.path("media").path("id").asText(null));
            WebhookIds.check("Instagram comment parent id", v.path("parent_id").asText(null));
            WebhookIds.check("Instagram commenter id", v.path("from").path("id").asText(null));
            type = "instagram.comment";
        }
        if (key != null) {
            events.add(event(key, type, true, routing, payload));
        }
    }

    /**
     * Reads one part of the batch (an entry, a change, a message…) all or nothing: an id the door
     * would refuse makes that part alone an unreadable event (dead-lettered with the cause), never
     * the whole batch a 400 that Meta would retry for days with every other tenant's events in it.
     * {@code alone} is the part as a one-event webhook, so a replay reads it, and fails, the same.
     */
    private static void readable(List<InboundEvent> events, JsonNode alone, Runnable read) {
        int before = events.size();
        try {
            read.run();
        } catch (ProblemException refused) {
            events.subList(before, events.size()).clear();
            events.add(InboundEvent.deadLetter(PROVIDER, refused.detail(), alone.toString()));
        }
    }

    private ObjectNode whatsappEnvelope(JsonNode entry, ObjectNode value) {
        ObjectNode root = json.createObjectNode().put("object", "whatsapp_business_account");
        ObjectNode one = root.putArray("entry").addObject();
        one.set("id", entry.path("id"));
        ObjectNode change = one.putArray("changes").addObject();
        change.set("value", value);
        change.put("field", "messages");
        return root;
    }

    private static InboundEvent event(String key, String type, boolean processable, List<String> routing, JsonNode payload) {
        return new InboundEvent(PROVIDER + ":" + key, type, processable, routing, null,
                payload.toString().getBytes(StandardCharsets.UTF_8));
    }

}

package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.messaging.OutboundMessage;
import dev.pasarela.pipeline.errors.PermanentException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The Graph calls of the three Meta channels: WhatsApp Cloud API ({@code POST /{phone-number-id}/messages})
 * and the Messenger / Instagram Send API ({@code POST /{page-or-ig-id}/messages}). Graph refusals
 * are classified by {@link GraphException}; a token Meta revoked stops further sends at once.
 */
@Component
public class MetaSenders {

    private final GraphApi graph;
    private final MetaAccounts accounts;

    public MetaSenders(GraphApi graph, MetaAccounts accounts) {
        this.graph = graph;
        this.accounts = accounts;
    }

    /** The sending number or page; unconfigured tenants share one key: their sends fail at once anyway. */
    String senderKey(String channel, String tenantId) {
        try {
            return accounts.account(tenantId, channel).senderId();
        } catch (PermanentException e) {
            return "unconfigured";
        }
    }

    boolean canSend(String channel, String tenantId) {
        try {
            accounts.account(tenantId, channel);
            return true;
        } catch (PermanentException e) {
            return false;
        }
    }

    /** Posts a Graph message body with the tenant's account; @return the id Meta gave the message. */
    String send(String channel, OutboundMessage m, Map<String, Object> body) {
        MetaAccounts.Account account = accounts.account(m.tenantId(), channel);
        accounts.checkNotRevoked(m.tenantId(), account);
        JsonNode answer;
        try {
            answer = graph.post("/" + account.senderId() + "/messages", body, account.token());
        } catch (GraphException e) {
            if (e.kind() == GraphException.Kind.TOKEN) {
                accounts.markRevoked(m.tenantId(), account, e);
            }
            throw e.asDeliveryFailure();
        }
        String id = channel.equals("whatsapp") ? answer.path("messages").path(0).path("id").asText(null)
                : answer.path("message_id").asText(null);
        if (id == null) {
            throw new PermanentException("Graph accepted message " + m.id() + " without returning its id");
        }
        return id;
    }

    /** {@code {"messaging_product":"whatsapp","to":"+…","type":…,…}}; our id rides along for the statuses. */
    static Map<String, Object> whatsapp(OutboundMessage m, WhatsAppRequest r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messaging_product", "whatsapp");
        body.put("recipient_type", "individual");
        body.put("to", m.to());
        body.put("type", r.type());
        Map<String, Object> content = new LinkedHashMap<>();
        switch (r.type()) {
            case "text" -> {
                content.put("body", r.text().body());
                content.put("preview_url", Boolean.TRUE.equals(r.text().previewUrl()));
            }
            case "template" -> {
                content.put("name", r.template().name());
                content.put("language", Map.of("policy", "deterministic", "code", r.template().language()));
                if (r.template().components() != null) {
                    content.put("components", r.template().components());
                }
            }
            case "image", "document" -> {
                WhatsAppRequest.Media media = r.type().equals("image") ? r.image() : r.document();
                content.put("link", media.link());
                if (media.caption() != null) {
                    content.put("caption", media.caption());
                }
                if (media.filename() != null) {
                    content.put("filename", media.filename());
                }
            }
            default -> throw new PermanentException("WhatsApp message " + m.id() + " has an unknown type");
        }
        body.put(r.type(), content);
        if (r.replyTo() != null) {
            body.put("context", Map.of("message_id", r.replyTo()));
        }
        body.put("biz_opaque_callback_data", m.id());
        return body;
    }

    /** Messenger / Instagram: RESPONSE inside the 24 h window, MESSAGE_TAG with an allowed tag outside it. */
    static Map<String, Object> messaging(OutboundMessage m, MetaMessagingRequest r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recipient", Map.of("id", m.to()));
        if (r.tag() != null) {
            body.put("messaging_type", "MESSAGE_TAG");
            body.put("tag", r.tag());
        } else {
            body.put("messaging_type", "RESPONSE");
        }
        if ("image".equals(r.type())) {
            body.put("message", Map.of("attachment", Map.of("type", "image",
                    "payload", Map.of("url", r.image().link(), "is_reusable", true))));
        } else {
            body.put("message", Map.of("text", r.text().body()));
        }
        return body;
    }
}

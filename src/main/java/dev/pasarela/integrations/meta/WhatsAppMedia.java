package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.messaging.RejectedByProviderException;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.EventEnricher;
import dev.pasarela.pipeline.transform.InboundMessage;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Resolves an inbound WhatsApp media id ({@code GET /{media-id}}) to its download URL, MIME type,
 * hash and size, kept with the message. Meta's URL needs the bearer token and lasts about five
 * minutes, so the id stays the reference (Firebase Storage copies come later). A Graph outage is
 * retried like any delivery; a token or media problem is recorded on the message and does not
 * hold the message back.
 *
 * <p>The enrich step of {@code meta.in.deliver}: {@link MetaEventMapper} leaves the media id in
 * {@code content.mediaId}, and this adds {@code content.media}.
 */
@Component
public class WhatsAppMedia implements EventEnricher {

    private final GraphApi graph;
    private final MetaAccounts accounts;
    private final Clock clock;

    public WhatsAppMedia(GraphApi graph, MetaAccounts accounts, Clock clock) {
        this.graph = graph;
        this.accounts = accounts;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return MetaWebhookInterpreter.PROVIDER;
    }

    /** A WhatsApp message carrying a media id gets {@code content.media}; any other event is returned as it is. */
    @Override
    public CanonicalEvent enrich(CanonicalEvent event) {
        if (!(event instanceof InboundMessage m) || !"whatsapp".equals(m.channel())
                || !(m.content().get("mediaId") instanceof String mediaId) || mediaId.isEmpty()) {
            return event;
        }
        Map<String, Object> content = new LinkedHashMap<>(m.content());
        content.put("media", resolve(m.tenantId(), mediaId));
        return new InboundMessage(m.tenantId(), m.eventKey(), m.provider(), m.occurredAt(), m.channel(),
                m.messageId(), m.contactId(), m.contactName(), m.kind(), content, m.replyTo());
    }

    public Map<String, Object> resolve(String tenantId, String mediaId) {
        Map<String, Object> media = new LinkedHashMap<>();
        media.put("id", mediaId);
        MetaAccounts.Account account;
        try {
            account = accounts.account(tenantId, "whatsapp");
            accounts.checkNotRevoked(tenantId, account);
        } catch (RejectedByProviderException e) {
            media.put("error", Map.of("code", e.code(), "detail", e.getMessage()));
            return media;
        }
        try {
            JsonNode m = graph.get("/" + mediaId, Map.of(), account.token());
            media.put("url", m.path("url").asText(null));
            media.put("mimeType", m.path("mime_type").asText(null));
            media.put("sha256", m.path("sha256").asText(null));
            if (m.has("file_size")) {
                media.put("fileSize", m.path("file_size").asLong());
            }
            media.put("resolvedAt", clock.instant().toString());
        } catch (GraphException e) {
            if (e.kind() == GraphException.Kind.TRANSIENT) {
                throw e.asDeliveryFailure();
            }
            if (e.kind() == GraphException.Kind.TOKEN) {
                accounts.markRevoked(tenantId, account, e);
            }
            media.put("error", Map.of("code", String.valueOf(e.code()), "detail", e.describe()));
        }
        return media;
    }
}

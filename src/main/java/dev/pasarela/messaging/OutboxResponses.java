package dev.pasarela.messaging;

import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/** What every send endpoint answers, and the refusal every channel shares (the contact opted out). */
@Component
public class OutboxResponses {

    private final Outbox outbox;
    private final TenantRepository tenants;
    private final Quotas quotas;

    public OutboxResponses(Outbox outbox, TenantRepository tenants, Quotas quotas) {
        this.outbox = outbox;
        this.tenants = tenants;
        this.quotas = quotas;
    }

    /** A phone number as every channel takes it: E.164 with '+' and the country code. */
    public static final java.util.regex.Pattern E164 = java.util.regex.Pattern.compile("\\+[1-9][0-9]{6,14}");
    /** One email address, loosely: the provider has the last word. */
    public static final java.util.regex.Pattern EMAIL =
            java.util.regex.Pattern.compile("[^@\\s<>]{1,64}@[^@\\s<>]{1,255}\\.[^@\\s<>.]{2,}");

    /** The monthly quota a channel's sends spend. */
    public static String quotaChannel(String channel) {
        return switch (channel) {
            case "messenger", "instagram" -> "social-messages";
            default -> channel;
        };
    }

    /** 202 with the message id and {@code Location}; a replayed key gives back the unit the interceptor spent. */
    public ResponseEntity<Map<String, Object>> accepted(String tenantId, String channel, Outbox.Accepted a) {
        if (a.replayed()) {
            quotas.consume(tenants.require(tenantId), quotaChannel(channel), -1);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", a.id());
        out.put("channel", a.channel());
        out.put("status", a.status());
        out.put("createdAt", a.createdAt());
        return ResponseEntity.accepted().location(URI.create("/api/v1/messages/" + a.id()))
                .header("Idempotent-Replayed", String.valueOf(a.replayed())).body(out);
    }

    public void refuseOptedOut(String tenantId, String channel, String contactId) {
        refuseOptedOut(outbox.conversation(tenantId, channel, contactId), contactId);
    }

    public static void refuseOptedOut(Optional<Document> conversation, String contact) {
        if (conversation.map(d -> Boolean.TRUE.equals(d.field("optedOut"))).orElse(false)) {
            throw new ProblemException(422, "recipient-opted-out", "Recipient opted out",
                    contact + " asked to stop receiving messages on this channel (" + conversation.get().field("optOutChangedAt")
                            + "); nothing is sent until they write again.");
        }
    }
}

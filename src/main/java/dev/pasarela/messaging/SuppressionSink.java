package dev.pasarela.messaging;

import dev.pasarela.pipeline.deliver.EventSink;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.store.DocumentStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Email addresses a tenant must not send to again, at {@code tenants/{t}/suppressions/email:{address}}
 * (lower-cased): a hard bounce or a spam complaint. Soft, blocked and undetermined bounces are
 * passing trouble and suppress nothing. The first fact is kept: a redelivered or later event for
 * a suppressed address changes nothing.
 */
@Component
@Order(20)
public class SuppressionSink implements EventSink {

    private static final Set<String> PASSING_BOUNCES = Set.of("soft", "blocked", "undetermined");

    private final DocumentStore store;

    public SuppressionSink(DocumentStore store) {
        this.store = store;
    }

    public static String path(String tenantId, String address) {
        String key = address.trim().toLowerCase(Locale.ROOT);
        // an address may hold '/' (legal in a local part), which a store path cannot
        return TenantRepository.path(tenantId) + "/suppressions/email:"
                + (key.contains("/") ? URLEncoder.encode(key, StandardCharsets.UTF_8) : key);
    }

    @Override
    public boolean accepts(CanonicalEvent event) {
        return event instanceof DeliveryStatus s && "email".equals(s.channel()) && s.recipientId() != null
                && !s.recipientId().isBlank() && reason(s) != null;
    }

    static String reason(DeliveryStatus s) {
        return switch (s.state()) {
            case COMPLAINED -> "complaint";
            case BOUNCED -> PASSING_BOUNCES.contains(String.valueOf(s.bounceType())) ? null : "hard_bounce";
            default -> null;
        };
    }

    @Override
    public void deliver(CanonicalEvent event) {
        DeliveryStatus s = (DeliveryStatus) event;
        String path = path(s.tenantId(), s.recipientId());
        store.runTransaction(tx -> {
            if (tx.get(path).isPresent()) {
                return null;
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("channel", "email");
            doc.put("address", s.recipientId().trim().toLowerCase(Locale.ROOT));
            doc.put("reason", reason(s));
            doc.put("at", s.occurredAt().toString());
            doc.put("provider", s.provider());
            doc.put("messageId", s.messageId());
            doc.put("eventKey", s.eventKey());
            if (s.bounceType() != null) {
                doc.put("bounceType", s.bounceType());
            }
            if (s.errorCode() != null) {
                doc.put("errorCode", s.errorCode());
            }
            if (s.errorTitle() != null) {
                doc.put("detail", s.errorTitle());
            }
            tx.set(path, doc);
            return null;
        });
    }
}

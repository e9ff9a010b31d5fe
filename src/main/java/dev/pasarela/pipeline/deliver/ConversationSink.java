package dev.pasarela.pipeline.deliver;

import dev.pasarela.pipeline.tenant.TenantRepository;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.pipeline.transform.InboundMessage;
import dev.pasarela.store.DocumentStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Conversations in the store. An inbound message is written at
 * {@code tenants/{t}/conversations/{channel}:{contact}/messages/{id}} and moves the conversation's
 * {@code lastInboundAt} (which opens WhatsApp's 24-hour window). A delivery status is appended
 * to {@code tenants/{t}/messages/{id}.statusHistory}; the message's {@code status} only moves
 * forwards (a {@code read} that overtook its {@code delivered} stays {@code read}). Both are
 * idempotent: a message id or a status already recorded changes nothing.
 */
@Component
@org.springframework.core.annotation.Order(10)
public class ConversationSink implements EventSink {

    private final DocumentStore store;

    public ConversationSink(DocumentStore store) {
        this.store = store;
    }

    @Override
    public boolean accepts(CanonicalEvent event) {
        return event instanceof InboundMessage || event instanceof DeliveryStatus;
    }

    @Override
    public void deliver(CanonicalEvent event) {
        if (event instanceof InboundMessage m) {
            inbound(m);
        } else {
            status((DeliveryStatus) event);
        }
    }

    public static String conversationPath(String tenantId, String channel, String contactId) {
        return TenantRepository.path(tenantId) + "/conversations/" + channel + ":" + contactId;
    }

    private void inbound(InboundMessage m) {
        String conversation = conversationPath(m.tenantId(), m.channel(), m.contactId());
        String messagePath = conversation + "/messages/" + m.messageId();
        store.runTransaction(tx -> {
            if (tx.get(messagePath).isPresent()) {
                return null;
            }
            Object last = tx.get(conversation).map(d -> d.field("lastInboundAt")).orElse(null);
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", m.messageId());
            message.put("direction", "inbound");
            message.put("channel", m.channel());
            message.put("from", m.contactId());
            message.put("kind", m.kind());
            message.put("content", m.content());
            message.put("replyTo", m.replyTo());
            message.put("sentAt", m.occurredAt().toString());
            message.put("receivedAt", Instant.now().toString());
            tx.set(messagePath, message);
            Map<String, Object> conv = new LinkedHashMap<>();
            conv.put("channel", m.channel());
            conv.put("contactId", m.contactId());
            if (m.contactName() != null) {
                conv.put("contactName", m.contactName());
            }
            // a system notice (the contact changed number…) is not the contact writing: no window opens
            if (!"system".equals(m.kind()) && (last == null || Instant.parse(last.toString()).isBefore(m.occurredAt()))) {
                conv.put("lastInboundAt", m.occurredAt().toString());
            }
            tx.merge(conversation, conv);
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private void status(DeliveryStatus s) {
        String path = TenantRepository.path(s.tenantId()) + "/messages/" + s.messageId();
        store.runTransaction(tx -> {
            Map<String, Object> message = tx.get(path).map(d -> new LinkedHashMap<>(d.data())).orElseGet(LinkedHashMap::new);
            List<Map<String, Object>> history = new ArrayList<>();
            if (message.get("statusHistory") instanceof List<?> h) {
                h.forEach(x -> history.add((Map<String, Object>) x));
            }
            boolean seen = history.stream().anyMatch(h -> s.status().equals(h.get("status")));
            if (seen) {
                return null;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("status", s.status());
            entry.put("at", s.occurredAt().toString());
            if (s.errorCode() != null) {
                entry.put("errorCode", s.errorCode());
                entry.put("errorTitle", s.errorTitle());
            }
            history.add(entry);
            history.sort(java.util.Comparator.comparing(h -> Instant.parse(String.valueOf(h.get("at")))));
            int current = message.get("status") == null ? -1
                    : new DeliveryStatus(null, null, null, s.occurredAt(), null, null, null,
                            String.valueOf(message.get("status")), null, null).rank();
            message.put("id", s.messageId());
            message.put("channel", s.channel());
            message.putIfAbsent("to", s.recipientId());
            message.put("statusHistory", history);
            if (s.rank() >= current) {
                message.put("status", s.status());
                message.put("statusAt", s.occurredAt().toString());
            }
            tx.set(path, message);
            return null;
        });
    }
}

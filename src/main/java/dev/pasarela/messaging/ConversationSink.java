package dev.pasarela.messaging;

import dev.pasarela.pipeline.deliver.EventSink;
import dev.pasarela.tenants.Messaging;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.DeliveryState;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.pipeline.transform.InboundMessage;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Conversations in the store. An inbound message is written at
 * {@code tenants/{t}/conversations/{channel}:{contact}/messages/{id}} and moves the conversation's
 * {@code lastInboundAt} (which opens WhatsApp's 24-hour window). A delivery status is appended
 * to {@code tenants/{t}/messages/{id}.statusHistory}; the message's {@code status} only moves
 * forwards (a {@code read} that overtook its {@code delivered} stays {@code read}). Both are
 * idempotent: a message id or a status already recorded changes nothing.
 *
 * <p>Opt-out: a message that is only a stop word (the tenant's, or {@code pasarela.messaging.stop-words})
 * sets the conversation's {@code optedOut}; any later message from the contact clears it.
 * Outbound sends to an opted-out contact are refused.
 *
 * <p>A status for one of our outbound messages lands on our message id through the link the
 * sender wrote ({@code messageIds/{channel}:{providerId}}); one that overtakes that link is kept
 * under the provider's id and folded in when the link is written.
 */
@Component
@org.springframework.core.annotation.Order(10)
public class ConversationSink implements EventSink {

    private final DocumentStore store;
    private final TenantRepository tenants;
    private final List<String> defaultStopWords;
    private final ObjectProvider<MessageFailureListener> listeners;
    private final MessageHistory messages;
    private final Clock clock;

    public ConversationSink(DocumentStore store, TenantRepository tenants, MessagingProperties properties,
                            ObjectProvider<MessageFailureListener> listeners, MessageHistory messages, Clock clock) {
        this.store = store;
        this.tenants = tenants;
        this.defaultStopWords = properties.stopWords();
        this.listeners = listeners;
        this.messages = messages;
        this.clock = clock;
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

    private static final java.time.format.DateTimeFormatter SORTABLE =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
                    .withZone(java.time.ZoneOffset.UTC);

    /**
     * An instant as the store orders it: ISO 8601 with all nine fraction digits, so text order is time
     * order ({@code Instant.toString()} drops zero fractions, and "…:05Z" sorts after "…:05.5Z").
     */
    public static String sortable(Instant at) {
        return SORTABLE.format(at);
    }

    public static String conversationPath(String tenantId, String channel, String contactId) {
        return TenantRepository.path(tenantId) + "/conversations/" + conversationId(channel, contactId);
    }

    /** A conversation's id: its channel and its contact, as its document is named. */
    public static String conversationId(String channel, String contactId) {
        return channel + ":" + Paths.segment(contactId);
    }

    private void inbound(InboundMessage m) {
        String conversation = conversationPath(m.tenantId(), m.channel(), m.contactId());
        String messagePath = conversation + "/messages/" + Paths.segment(m.messageId());
        boolean stop = isStopWord(m);
        store.runTransaction(tx -> {
            if (tx.get(messagePath).isPresent()) {
                return null;
            }
            Optional<Document> existing = tx.get(conversation);
            Object last = existing.map(d -> d.field("lastInboundAt")).orElse(null);
            Object optChangedAt = existing.map(d -> d.field("optOutChangedAt")).orElse(null);
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", m.messageId());
            message.put("direction", "inbound");
            message.put("channel", m.channel());
            message.put("from", m.contactId());
            message.put("kind", m.kind());
            message.put("content", m.content());
            message.put("replyTo", m.replyTo());
            message.put("sentAt", sortable(m.occurredAt()));
            message.put("receivedAt", clock.instant().toString());
            tx.set(messagePath, message);
            Map<String, Object> conv = new LinkedHashMap<>();
            conv.put("channel", m.channel());
            conv.put("contactId", m.contactId());
            Object lastMessage = existing.map(d -> d.field("lastMessageAt")).orElse(null);
            if (lastMessage == null || Instant.parse(lastMessage.toString()).isBefore(m.occurredAt())) {
                conv.put("lastMessageAt", sortable(m.occurredAt()));
            }
            if (m.contactName() != null) {
                conv.put("contactName", m.contactName());
            }
            // a system notice (the contact changed number…) is not the contact writing: no window opens
            if (!"system".equals(m.kind()) && (last == null || Instant.parse(last.toString()).isBefore(m.occurredAt()))) {
                conv.put("lastInboundAt", m.occurredAt().toString());
            }
            // the newest message decides: a stop word opts out, anything written after it opts back in
            // (timestamps are whole seconds: within one second, the one processed last wins)
            boolean newer = optChangedAt == null || !Instant.parse(optChangedAt.toString()).isAfter(m.occurredAt());
            if (!"system".equals(m.kind()) && newer && (stop || optChangedAt != null)) {
                conv.put("optedOut", stop);
                conv.put("optOutChangedAt", m.occurredAt().toString());
            }
            tx.merge(conversation, conv);
            return null;
        });
    }

    /** A message of ours that ended unreached, for a notification that may try another channel. */
    private static Map<String, Object> ended(Map<String, Object> message) {
        boolean failed = message.get("notificationId") != null
                && DeliveryState.of(String.valueOf(message.get("status"))).unreached();
        return failed ? Map.of("notificationId", message.get("notificationId"), "messageId", message.get("id"))
                : Map.of();
    }

    private boolean isStopWord(InboundMessage m) {
        if (m.content() != null && "STOP".equals(m.content().get("optOutType"))) {
            return true; // the provider recognised an opt-out keyword of its own (Twilio's Advanced Opt-Out)
        }
        if (!(m.content() != null && m.content().get("text") instanceof String text) || text.length() > 60) {
            return false; // stop words are 1-50 characters: no tenant lookup for an ordinary message
        }
        String said = text.strip().replaceAll("[\\p{Punct}\\s]+$", "");
        List<String> words = tenants.find(m.tenantId()).map(Tenant::messaging).map(Messaging::stopWords)
                .orElse(defaultStopWords);
        return words.stream().anyMatch(w -> w.strip().equalsIgnoreCase(said));
    }

    private void status(DeliveryStatus s) {
        String orphanPath = MessageHistory.messagePath(s.tenantId(), s.messageId());
        String linkPath = MessageHistory.linkPath(s.tenantId(), s.channel(), s.messageId());
        boolean underProviderId = apply(s, orphanPath, linkPath);
        // the link may have been written while this status went to the provider's id (the embedded
        // store does not lock a document that does not exist yet): fold all that is kept there (other
        // early statuses too) into our message. A link committed after this look is the sender's to
        // see: it looks here after its commit (MessageHistory)
        if (underProviderId) {
            store.get(linkPath).map(link -> (String) link.field("messageId"))
                    .flatMap(ours -> messages.foldOvertaking(s.tenantId(), ours, s.messageId()))
                    .ifPresent(folded -> tellFailed(s, ended(folded), String.valueOf(folded.get("status"))));
        }
    }

    /** Tells the listeners a message ended unreached ({@link #ended}; nothing when it is empty). */
    private void tellFailed(DeliveryStatus s, Map<String, Object> ended, String reason) {
        if (!ended.isEmpty()) {
            listeners.forEach(l -> l.messageFailed(s.tenantId(), (String) ended.get("messageId"),
                    (String) ended.get("notificationId"), s.channel(), reason));
        }
    }

    @SuppressWarnings("unchecked")
    /** @return whether the status went under the provider's id (no link to our id yet) */
    private boolean apply(DeliveryStatus s, String orphanPath, String linkPath) {
        boolean[] underProviderId = new boolean[1];
        Map<String, Object> endedNow = store.runTransaction(tx -> {
            String path = tx.get(linkPath).map(l -> MessageHistory.messagePath(s.tenantId(), (String) l.field("messageId")))
                    .orElse(orphanPath);
            underProviderId[0] = path.equals(orphanPath);
            Map<String, Object> message = tx.get(path).map(d -> new LinkedHashMap<>(d.data())).orElseGet(LinkedHashMap::new);
            List<Map<String, Object>> history = new ArrayList<>();
            if (message.get("statusHistory") instanceof List<?> h) {
                h.forEach(x -> history.add((Map<String, Object>) x));
            }
            boolean seen = history.stream().anyMatch(h -> s.status().equals(h.get("status")));
            if (seen) {
                return ended(message); // told again on a redelivery: listeners are idempotent
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("status", s.status());
            entry.put("at", s.occurredAt().toString());
            if (s.providerStatus() != null && !s.providerStatus().equals(s.status())) {
                entry.put("providerStatus", s.providerStatus()); // the provider's word, for whoever reads its docs
            }
            if (s.errorCode() != null) {
                entry.put("errorCode", s.errorCode());
                entry.put("errorTitle", s.errorTitle());
            }
            history.add(entry);
            history.sort(java.util.Comparator.comparing(h -> Instant.parse(String.valueOf(h.get("at")))));
            int current = message.get("status") == null ? -1
                    : DeliveryState.of(String.valueOf(message.get("status"))).rank();
            message.putIfAbsent("id", s.messageId());
            message.put("channel", s.channel());
            message.putIfAbsent("to", s.recipientId());
            message.put("statusHistory", history);
            if (s.rank() >= current) {
                message.put("status", s.status());
                message.put("statusAt", s.occurredAt().toString());
            }
            tx.set(path, message);
            return ended(message);
        });
        tellFailed(s, endedNow, s.status() + (s.errorCode() == null ? "" : " " + s.errorCode()));
        return underProviderId[0];
    }
}

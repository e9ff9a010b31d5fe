package dev.pasarela.messaging;

import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.tenants.TenantRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What became of a message the {@link Outbox} accepted: its status history at
 * {@code tenants/{t}/messages/{id}}, the provider's id linked at
 * {@code tenants/{t}/messageIds/{channel}:{providerId}} so its status webhooks land on our id.
 */
@Component
public class MessageHistory {

    private final DocumentStore store;
    private final Clock clock;

    public MessageHistory(DocumentStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static String messagePath(String tenantId, String messageId) {
        return TenantRepository.path(tenantId) + "/messages/" + Paths.segment(messageId);
    }

    public static String linkPath(String tenantId, String channel, String providerId) {
        return TenantRepository.path(tenantId) + "/messageIds/" + channel + ":" + Paths.segment(providerId);
    }

    public Optional<Document> message(String tenantId, String messageId) {
        return store.get(messagePath(tenantId, messageId));
    }

    /** The contact opted out with the provider itself: mark the conversation as a stop word would. */
    public void markOptedOut(String tenantId, String channel, String contactId) {
        store.merge(dev.pasarela.messaging.ConversationSink.conversationPath(tenantId, channel, contactId),
                Map.of("channel", channel, "contactId", contactId, "optedOut", true,
                        "optOutChangedAt", clock.instant().toString()));
    }

    /**
     * The provider took the message: keep its id, link it, and fold in any status webhook that
     * overtook this write (stored under the provider id, see ConversationSink).
     */
    @SuppressWarnings("unchecked")
    public String recordSubmitted(String tenantId, String messageId, String channel, String providerId) {
        String path = messagePath(tenantId, messageId);
        String orphanPath = messagePath(tenantId, providerId);
        return store.runTransaction(tx -> {
            Map<String, Object> message = new LinkedHashMap<>(tx.get(path).map(Document::data).orElseGet(Map::of));
            Optional<Document> orphan = tx.get(orphanPath);
            List<Map<String, Object>> history = history(message);
            String now = clock.instant().toString();
            history.add(Map.of("status", "submitted", "at", now, "providerMessageId", providerId));
            orphan.ifPresent(o -> history.addAll(history(o.data())));
            history.sort(java.util.Comparator.comparing(h -> String.valueOf(h.get("at"))));
            message.put("providerMessageId", providerId);
            message.put("statusHistory", history);
            // a send after an operator's fix supersedes the failure that dead-lettered it
            message.put("status", orphan.map(o -> o.field("status")).orElse("submitted"));
            message.put("statusAt", orphan.map(o -> o.field("statusAt")).orElse(now));
            message.remove("error"); // a send after an operator's fix: the earlier refusal is history
            Map<?, ?> metered = metered(message);
            if (metered != null && Boolean.TRUE.equals(metered.get("givenBack"))) {
                // a replayed message its failure had given its unit back: submitted now, so counted again
                Quotas.adjust(tx, tenantId, (String) metered.get("quota"), (String) metered.get("month"), 1);
                message.put("metered", Map.of("quota", metered.get("quota"), "month", metered.get("month")));
            }
            tx.set(path, message);
            tx.set(linkPath(tenantId, channel, providerId), Map.of("messageId", messageId));
            orphan.ifPresent(o -> tx.delete(orphanPath));
            return String.valueOf(message.get("status"));
        });
    }

    /** The message ended without reaching the recipient; the provider's code stays in the history. */
    public void recordFailed(String tenantId, String messageId, String code, String detail) {
        String path = messagePath(tenantId, messageId);
        store.runTransaction(tx -> {
            Map<String, Object> message = new LinkedHashMap<>(tx.get(path).map(Document::data).orElseGet(Map::of));
            List<Map<String, Object>> history = history(message);
            String now = clock.instant().toString();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("status", "failed");
            entry.put("at", now);
            entry.put("errorCode", code);
            entry.put("errorTitle", detail);
            history.add(entry);
            message.put("statusHistory", history);
            message.put("status", "failed");
            message.put("statusAt", now);
            message.put("error", Map.of("code", code, "detail", detail));
            // never metered unless a provider took it: the unit its acceptance spent comes back, once
            Map<?, ?> metered = metered(message);
            if (message.get("providerMessageId") == null && metered != null
                    && !Boolean.TRUE.equals(metered.get("givenBack"))) {
                Quotas.adjust(tx, tenantId, (String) metered.get("quota"), (String) metered.get("month"), -1);
                message.put("metered", Map.of("quota", metered.get("quota"), "month", metered.get("month"),
                        "givenBack", true));
            }
            tx.set(path, message);
            return null;
        });
    }

    /**
     * The quota unit a message's acceptance spent ({@code quota}, {@code month}), noted by the
     * {@link Outbox} under {@link #METERED}; null for a message nobody metered.
     */
    private static Map<?, ?> metered(Map<String, Object> message) {
        return message.get(METERED) instanceof Map<?, ?> m && m.get("quota") instanceof String
                && m.get("month") instanceof String ? m : null;
    }

    /** The stored message's note of the quota unit its acceptance spent. */
    public static final String METERED = "metered";

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> history(Map<String, Object> message) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (message.get("statusHistory") instanceof List<?> h) {
            h.forEach(x -> out.add((Map<String, Object>) x));
        }
        return out;
    }
}

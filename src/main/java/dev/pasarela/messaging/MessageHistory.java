package dev.pasarela.messaging;

import dev.pasarela.pipeline.transform.DeliveryState;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import dev.pasarela.store.StoreTransaction;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.tenants.TenantRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
     * overtook this write (stored under the provider id, see ConversationSink). Idempotent: recorded
     * again with the same id (a retry after a commit whose answer was lost) it adds nothing.
     *
     * @return the message's status after the record
     */
    public String recordSubmitted(String tenantId, String messageId, String channel, String providerId) {
        String status = store.runTransaction(tx -> submitted(tx, tenantId, messageId, channel, providerId));
        // The jdbc store locks no document a transaction found absent: a status may have gone
        // under the provider's id after this transaction read it and committed before the link did,
        // and its own look for the link (ConversationSink) came too early. Each side looks for the
        // other's write after its own commit, so whichever committed second sees the first's.
        if (store.get(messagePath(tenantId, providerId)).isPresent()) {
            return foldOvertaking(tenantId, messageId, providerId).map(m -> String.valueOf(m.get("status"))).orElse(status);
        }
        return status;
    }

    /**
     * Folds the statuses kept under the provider's id into our message and removes them there, in
     * one transaction: whichever of the send's record and a status webhook sees both the link and
     * the orphan after its own commit calls this; the other finds nothing left to fold.
     *
     * @return our message after the fold; empty when another step folded them first
     */
    Optional<Map<String, Object>> foldOvertaking(String tenantId, String messageId, String providerId) {
        String path = messagePath(tenantId, messageId);
        String orphanPath = messagePath(tenantId, providerId);
        return store.runTransaction(tx -> {
            Optional<Document> orphan = tx.get(orphanPath);
            if (orphan.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Object> message = new LinkedHashMap<>(tx.get(path).map(Document::data).orElseGet(Map::of));
            fold(message, orphan.get().data());
            tx.set(path, message);
            tx.delete(orphanPath);
            return Optional.of(message);
        });
    }

    /**
     * Adds to {@code message}'s history the statuses of {@code orphan} it does not hold yet (a status
     * is recorded once, as ConversationSink records it), in time order; the orphan's status replaces
     * the message's only if it ranks as high or higher: statuses move only forwards.
     */
    private static void fold(Map<String, Object> message, Map<String, Object> orphan) {
        List<Map<String, Object>> history = history(message);
        Set<Object> recorded = new HashSet<>();
        history.forEach(h -> recorded.add(h.get("status")));
        history(orphan).stream().filter(h -> recorded.add(h.get("status"))).forEach(history::add);
        history.sort(IN_TIME_ORDER);
        message.put("statusHistory", history);
        Object overtaking = orphan.get("status");
        if (overtaking != null && DeliveryState.of(String.valueOf(overtaking)).rank()
                >= DeliveryState.of(String.valueOf(message.get("status"))).rank()) {
            message.put("status", overtaking);
            message.put("statusAt", orphan.get("statusAt"));
        }
    }

    /** History entries by their instant (as written by Instant.toString: text order is not time order). */
    private static final Comparator<Map<String, Object>> IN_TIME_ORDER =
            Comparator.comparing(h -> Instant.parse(String.valueOf(h.get("at"))));

    /** {@link #recordSubmitted}'s transaction: the message's record, its link and any overtaking status folded in. */
    private String submitted(StoreTransaction tx, String tenantId, String messageId, String channel, String providerId) {
        String path = messagePath(tenantId, messageId);
        String orphanPath = messagePath(tenantId, providerId);
        Map<String, Object> message = new LinkedHashMap<>(tx.get(path).map(Document::data).orElseGet(Map::of));
        Optional<Document> orphan = tx.get(orphanPath);
        if (!providerId.equals(message.get("providerMessageId"))) { // else recorded already: a retry
            List<Map<String, Object>> history = history(message);
            String now = clock.instant().toString();
            history.add(Map.of("status", "submitted", "at", now, "providerMessageId", providerId));
            message.put("providerMessageId", providerId);
            message.put("statusHistory", history);
            // a send after an operator's fix supersedes the failure that dead-lettered it
            message.put("status", "submitted");
            message.put("statusAt", now);
            message.remove("error"); // a send after an operator's fix: the earlier refusal is history
            Map<?, ?> metered = metered(message);
            if (metered != null && Boolean.TRUE.equals(metered.get("givenBack"))) {
                countAgain(tx, tenantId, metered, message); // a replayed message its failure had given its unit back
            }
        }
        orphan.ifPresent(o -> fold(message, o.data()));
        tx.set(path, message);
        tx.set(linkPath(tenantId, channel, providerId), Map.of("messageId", messageId));
        orphan.ifPresent(o -> tx.delete(orphanPath));
        return String.valueOf(message.get("status"));
    }

    /** Counts again, in the month it was charged to, a unit a message's failure had given back. */
    private static void countAgain(StoreTransaction tx, String tenantId, Map<?, ?> givenBack, Map<String, Object> message) {
        Quotas.adjust(tx, tenantId, (String) givenBack.get("quota"), (String) givenBack.get("month"), 1);
        message.put(METERED, Map.of("quota", givenBack.get("quota"), "month", givenBack.get("month")));
    }

    /**
     * A send is about to be attempted: counted before any provider call, so a failure after it (a
     * timeout, a 5xx, a crash before the answer was recorded) is known to be one a provider may have
     * taken. A message whose unit was given back (a refusal an operator then fixed, replayed) is
     * counted again here: this attempt may reach the provider.
     */
    public void recordSendAttempt(String tenantId, String messageId) {
        recordSendAttempt(tenantId, messageId, null, d -> true);
    }

    /**
     * {@link #recordSendAttempt} for the message as it is now, in the same transaction that reads it:
     * counted only when {@code sendable} says the send step goes on and the queued {@code copy} may
     * send it ({@link #sentBy}). The send step's checks (sent already, failed and moved on, another
     * copy's) and its count are one read and one commit, not a read and then a transaction that
     * reads again. The first copy counted owns the message.
     *
     * @param copy the queued copy attempting ({@link OutboundMessage#copy}); null for one queued
     *             before copies were named, which claims the message like any other copy
     * @return the message as read (before this attempt was counted); empty when it is not recorded
     */
    public Optional<Document> recordSendAttempt(String tenantId, String messageId, String copy,
                                                java.util.function.Predicate<Document> sendable) {
        String path = messagePath(tenantId, messageId);
        return store.runTransaction(tx -> {
            Optional<Document> found = tx.get(path);
            if (found.isEmpty() || !sentBy(found.get(), copy) || !sendable.test(found.get())) {
                return found; // its acceptance was undone, or the send step sends nothing: nothing counted
            }
            Map<String, Object> message = new LinkedHashMap<>(found.get().data());
            message.put(SEND_ATTEMPTS, count(message, SEND_ATTEMPTS) + 1);
            message.putIfAbsent(SENDING_COPY, claim(copy));
            Map<?, ?> metered = metered(message);
            if (metered != null && Boolean.TRUE.equals(metered.get("givenBack"))) {
                countAgain(tx, tenantId, metered, message); // a replayed message: this attempt may reach the provider
            }
            tx.set(path, message);
            return found;
        });
    }

    /**
     * Whether the queued {@code copy} may send the message: no copy has attempted it yet, or this one
     * did (a redelivery, a message put back for a later slot, a replayed dead letter carry their copy).
     * An attempt counted without an owner was made by a version that did not name copies (before an
     * upgrade, or an older replica during a rolling one): that version's copies carry no name, so
     * the message is theirs, and a named copy queued meanwhile does not send it a second time.
     */
    public static boolean sentBy(Document message, String copy) {
        Object owner = message.field(SENDING_COPY);
        if (owner == null && message.field(SEND_ATTEMPTS) != null) {
            owner = UNNAMED_COPY;
        }
        return owner == null || owner.equals(claim(copy));
    }

    /** What a copy notes as the owner: its name; a copy queued before copies were named notes that. */
    private static String claim(String copy) {
        return copy == null ? UNNAMED_COPY : copy;
    }

    private static final String UNNAMED_COPY = "unnamed";

    /**
     * The message ended without reaching the recipient (out of retries, dead-lettered); the code stays
     * in the history. Its unit is given back only if no send was attempted, or every attempt was
     * answered as not taken ({@link #recordNotTaken}): an attempt without an answer may have reached
     * the provider, and stays metered.
     */
    public void recordFailed(String tenantId, String messageId, String code, String detail) {
        recordFailed(tenantId, messageId, code, detail, false);
    }

    /**
     * The attempt just made ended with an answer that it did not leave for, or was not taken by, the
     * provider (its refusal with a code, a credential that could not be read): the message ends failed.
     */
    public void recordNotTaken(String tenantId, String messageId, String code, String detail) {
        recordFailed(tenantId, messageId, code, detail, true);
    }

    private void recordFailed(String tenantId, String messageId, String code, String detail, boolean notTaken) {
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
            if (notTaken) {
                message.put(SENDS_NOT_TAKEN, count(message, SENDS_NOT_TAKEN) + 1);
            }
            // never metered unless a provider took it, or may have: the unit comes back, once
            Map<?, ?> metered = metered(message);
            if (message.get("providerMessageId") == null && metered != null
                    && count(message, SEND_ATTEMPTS) <= count(message, SENDS_NOT_TAKEN)
                    && !Boolean.TRUE.equals(metered.get("givenBack"))) {
                Quotas.adjust(tx, tenantId, (String) metered.get("quota"), (String) metered.get("month"), -1);
                message.put(METERED, Map.of("quota", metered.get("quota"), "month", metered.get("month"),
                        "givenBack", true));
            }
            tx.set(path, message);
            return null;
        });
    }

    /** Send attempts made for the message (before each provider call), see {@link #recordSendAttempt}. */
    static final String SEND_ATTEMPTS = "sendAttempts";
    /** The queued copy that made the first send attempt: the only one that sends (see {@link #sentBy}). */
    static final String SENDING_COPY = "sendingCopy";
    /** Of those, the ones answered as not taken, see {@link #recordNotTaken}. */
    static final String SENDS_NOT_TAKEN = "sendsNotTaken";

    private static long count(Map<String, Object> message, String field) {
        return message.get(field) instanceof Number n ? n.longValue() : 0L;
    }

    /**
     * A message recorded whose queueing failed and could not be undone: the unit its call spent stays
     * with it (the call keeps it) and is given back here, noted, so that the retry of its key that
     * queues it knows to keep its own ({@link #takeUnit}). Best effort: if this fails too, the message
     * holds its unit and that retry gives its own back.
     */
    public void giveBackUnit(String tenantId, String messageId) {
        String path = messagePath(tenantId, messageId);
        store.runTransaction(tx -> {
            Optional<Document> found = tx.get(path);
            Map<?, ?> metered = found.map(d -> metered(d.data())).orElse(null);
            if (metered == null || Boolean.TRUE.equals(metered.get("givenBack"))) {
                return null;
            }
            Quotas.adjust(tx, tenantId, (String) metered.get("quota"), (String) metered.get("month"), -1);
            tx.merge(path, Map.of(METERED, Map.of("quota", metered.get("quota"), "month", metered.get("month"),
                    "givenBack", true)));
            return null;
        });
    }

    /**
     * A retry of the key queued a message whose unit was given back: the unit this call spent
     * ({@code metered}, as noted at acceptance) becomes the message's. False when the message still
     * holds a unit (its first call kept it): this call's own is then to be given back.
     */
    public boolean takeUnit(String tenantId, String messageId, Object metered) {
        String path = messagePath(tenantId, messageId);
        return store.runTransaction(tx -> {
            Map<String, Object> message = new LinkedHashMap<>(tx.get(path).map(Document::data).orElseGet(Map::of));
            Map<?, ?> held = metered(message);
            if (held == null || !Boolean.TRUE.equals(held.get("givenBack"))
                    || !(metered instanceof Map<?, ?> m && m.get("quota") != null && m.get("month") != null)) {
                return false;
            }
            message.put(METERED, Map.of("quota", m.get("quota"), "month", m.get("month"))); // set: a merge keeps givenBack
            tx.set(path, message);
            return true;
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

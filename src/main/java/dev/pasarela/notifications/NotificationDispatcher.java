package dev.pasarela.notifications;

import dev.pasarela.api.RateLimitedException;
import dev.pasarela.messaging.Channels;
import dev.pasarela.messaging.NotificationCandidate;
import dev.pasarela.messaging.NotificationChannel;
import dev.pasarela.messaging.NotificationDraft;
import dev.pasarela.messaging.OutboundRequest;
import dev.pasarela.messaging.Outbox;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends a notification on the next channel of its policy that can carry it: each channel says
 * whether it can ({@link NotificationChannel#candidate}), the quota of the channel is spent, the
 * message is queued. Every attempt, skipped ones with their reason, is appended to {@code attempts}.
 */
@Component
public class NotificationDispatcher {

    private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);

    private final DocumentStore store;
    private final Outbox outbox;
    private final TenantRepository tenants;
    private final Quotas quotas;
    private final Channels channels;
    private final NotificationContents contents;
    private final Clock clock;

    public NotificationDispatcher(DocumentStore store, Outbox outbox, TenantRepository tenants, Quotas quotas,
                                  Channels channels, NotificationContents contents, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.tenants = tenants;
        this.quotas = quotas;
        this.channels = channels;
        this.contents = contents;
        this.clock = clock;
    }

    /** Sends on the next channel the recipient can receive on, or ends the notification as failed. */
    void dispatch(String tenantId, String id) {
        Tenant tenant = tenants.require(tenantId);
        Document doc = store.get(Notifications.path(tenantId, id)).orElseThrow();
        StoredNotification n = StoredNotification.of(doc.data());
        NotificationDraft draft = contents.draft(tenant, n);
        List<Map<String, Object>> attempts = attempts(doc.data());
        int from = attempts.size();
        List<Map<String, Object>> added = new ArrayList<>();
        for (int i = from; i < n.policy().size(); i++) {
            String channel = n.policy().get(i);
            Map<String, Object> attempt = new LinkedHashMap<>();
            attempt.put("channel", channel);
            attempt.put("at", clock.instant().toString());
            NotificationCandidate c = candidate(tenant, draft, channel);
            if (c.skipped()) {
                attempt.put("outcome", "skipped");
                attempt.put("reason", c.skip());
                added.add(attempt);
                continue;
            }
            // the attempt is recorded before the message is queued: a refusal may come back at once
            // the unit spent here is noted on the message: a failure before any provider took it
            // gives it back (MessageHistory.recordFailed), as for an API send
            String quota = channels.notificationChannel(channel).orElseThrow().quota();
            String month;
            try {
                month = quotas.consume(tenant, quota, 1); // the month counted in: the one a unit given back returns to
            } catch (RateLimitedException spent) {
                attempt.put("outcome", "skipped");
                attempt.put("reason", "quota-exhausted");
                added.add(attempt);
                continue;
            }
            attempt.put("outcome", "queued");
            added.add(attempt);
            Map<String, Object> metered = Map.of("quota", quota, "month", month);
            Outbox.Accepted a;
            try {
                a = outbox.accept(OutboundRequest.of(tenantId, channel, c.to(), c.request(),
                                "notification:" + id + ":" + channel)
                        .annotated(Map.of("notificationId", id, dev.pasarela.messaging.MessageHistory.METERED, metered))
                        .whenRecorded(messageId -> {
                            attempt.put("messageId", messageId);
                            record(tenantId, id, from, added, "dispatched", channel);
                        }));
            } catch (RuntimeException notAccepted) {
                // nothing accepted, nothing spent; unless the message stayed recorded: it holds the unit then
                if (!(notAccepted instanceof Outbox.NotQueuedException q && q.leftOver())) {
                    quotas.giveBack(tenant, quota, month);
                }
                throw notAccepted;
            }
            if (!a.spendsUnit()) { // queued by an earlier dispatch of this step, which spent the unit already
                quotas.giveBack(tenant, quota, month);
            }
            if (a.replayed()) { // an earlier dispatch of this step recorded the message but not the attempt
                attempt.put("messageId", a.id());
                record(tenantId, id, from, added, "dispatched", channel);
            }
            return;
        }
        record(tenantId, id, from, added, "failed", null);
        log.warn("Notification {} of {} reached no channel: {}", id, tenantId, added);
        if (doc.field("reminderId") instanceof String reminderId) {
            Reminders.notificationFailed(store, tenantId, reminderId, clock.instant());
        }
    }

    /** The channel's candidate, once the tenant is set up for the channel. */
    private NotificationCandidate candidate(Tenant tenant, NotificationDraft draft, String channelName) {
        Optional<NotificationChannel<?>> channel = channels.notificationChannel(channelName);
        if (channel.isEmpty()) {
            return NotificationCandidate.skipped("channel-not-configured");
        }
        try {
            if (!channel.get().canSend(tenant.id())) {
                return NotificationCandidate.skipped("channel-not-configured");
            }
        } catch (dev.pasarela.pipeline.errors.PermanentException e) {
            if (e.failureCode() == null) {
                throw e;
            }
            return NotificationCandidate.skipped(e.failureCode()); // e.g. credential-unreadable: the next channel
        }
        return channel.get().candidate(draft); // its quota's unit is spent by the caller, which knows the month
    }

    /** Appends this dispatch's attempts, unless another dispatcher already recorded this step. */
    private void record(String tenantId, String id, int from, List<Map<String, Object>> added, String status,
                        String channel) {
        store.runTransaction(tx -> {
            Map<String, Object> current = tx.get(Notifications.path(tenantId, id)).map(Document::data).orElseThrow();
            if (attempts(current).size() != from) {
                return null; // another dispatcher recorded this step; the message it queued is the same one
            }
            List<Map<String, Object>> all = new ArrayList<>(attempts(current));
            all.addAll(added);
            Map<String, Object> update = new LinkedHashMap<>();
            update.put("attempts", all);
            update.put("status", status);
            update.put("channel", channel);
            update.put("updatedAt", clock.instant().toString());
            tx.merge(Notifications.path(tenantId, id), update);
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> attempts(Map<String, Object> n) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (n.get("attempts") instanceof List<?> l) {
            l.forEach(a -> out.add(new LinkedHashMap<>((Map<String, Object>) a)));
        }
        return out;
    }
}

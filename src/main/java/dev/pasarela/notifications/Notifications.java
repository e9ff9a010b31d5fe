package dev.pasarela.notifications;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.MessageFailureListener;
import dev.pasarela.messaging.RequestFingerprints;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One notification, many channels. A notification ({@code tenants/{t}/notifications/{id}}) has a
 * kind, a recipient (phone, email, or a contact id naming {@code tenants/{t}/contacts/{id}}), data,
 * and a channel policy (the request's, else the tenant's {@code messaging.channelPolicy}, else
 * {@code pasarela.notifications.channel-policy}). The first channel the recipient can receive on
 * gets the message ({@link NotificationDispatcher}); when that message fails for good (refused,
 * undelivered, bounced), the next channel is tried.
 *
 * <p>This class keeps a notification's life: created once per Idempotency-Key, held for quiet
 * hours ({@link Scheduling}) unless {@code urgent}, released, resumed after an interruption.
 */
@Component
public class Notifications implements MessageFailureListener {

    private static final Logger log = LoggerFactory.getLogger(Notifications.class);

    private final DocumentStore store;
    private final RequestFingerprints fingerprints;
    private final TenantRepository tenants;
    private final NotificationRequests requests;
    private final NotificationDispatcher dispatcher;
    private final Scheduling scheduling;
    private final Clock clock;
    private final ObjectMapper json;

    public Notifications(DocumentStore store, RequestFingerprints fingerprints, TenantRepository tenants, NotificationRequests requests,
                         NotificationDispatcher dispatcher, Scheduling scheduling, Clock clock, ObjectMapper json) {
        this.store = store;
        this.fingerprints = fingerprints;
        this.tenants = tenants;
        this.requests = requests;
        this.dispatcher = dispatcher;
        this.scheduling = scheduling;
        this.clock = clock;
        this.json = json;
    }

    static String path(String tenantId, String id) {
        return TenantRepository.path(tenantId) + "/notifications/" + id;
    }

    /** As {@link #create(String, NotificationRequest, String, Map)}, for a request stored as a map (a reminder's). */
    public Map<String, Object> create(String tenantId, Map<String, Object> request, String idempotencyKey,
                                      Map<String, Object> annotations) {
        // the stored map is fingerprinted as it always was, so a reminder fired across an upgrade
        // finds the notification it created before
        return create(tenantId, read(request), fingerprints.digest(request), idempotencyKey, annotations);
    }

    /**
     * A request's fingerprint as the body a client sent: absent fields left out, as earlier
     * versions fingerprinted the raw body, so a key first used before an upgrade still matches.
     */
    static String fingerprint(RequestFingerprints fingerprints, NotificationRequest request) {
        Map<String, Object> body = fingerprints.asMap(request);
        if (body.get("data") instanceof Map<?, ?> data && data.isEmpty()) {
            body.remove("data"); // the record fills in {} for a body without data
        }
        return fingerprints.digest(body);
    }

    /**
     * Creates (or, for a key already used, returns) a notification and dispatches it, unless it is
     * held for quiet hours.
     */
    public Map<String, Object> create(String tenantId, NotificationRequest request, String idempotencyKey,
                                      Map<String, Object> annotations) {
        return create(tenantId, request, fingerprint(fingerprints, request), idempotencyKey, annotations);
    }

    private Map<String, Object> create(String tenantId, NotificationRequest request, String requestHash,
                                       String idempotencyKey, Map<String, Object> annotations) {
        Tenant tenant = tenants.require(tenantId);
        String keyPath = idempotencyKey == null ? null
                : TenantRepository.path(tenantId) + "/idempotencyKeys/notification-" + RequestFingerprints.keyDigest(idempotencyKey);
        if (keyPath != null) {
            Optional<Document> known = store.get(keyPath);
            if (known.isPresent()) {
                if (known.get().field("requestHash") != null && !requestHash.equals(known.get().field("requestHash"))) {
                    throw new ProblemException(422, "idempotency-key-reused", "Idempotency key reused",
                            "This Idempotency-Key was first used with a different notification; use a new key.");
                }
                String id = (String) known.get().field("notificationId");
                resume(tenantId, id); // created, then its dispatch or its timer failed (broker down, crash): finish it
                return view(store.get(path(tenantId, id)).orElseThrow().data());
            }
        }
        Map<String, Object> n = requests.validate(tenant, request);
        String id = "ntf_" + UUID.randomUUID().toString().replace("-", "");
        Instant now = clock.instant();
        n.put("id", id);
        n.put("createdAt", now.toString());
        n.put("attempts", List.of());
        n.putAll(annotations);
        Optional<Instant> release = "urgent".equals(n.get("kind")) ? Optional.empty()
                : QuietHours.of(NotificationContents.messaging(tenant).quietHours(), tenant.timezone())
                        .flatMap(q -> q.releaseAt(now));
        n.put("status", release.isPresent() ? "held" : "pending");
        release.ifPresent(r -> n.put("heldUntil", r.toString()));
        boolean created = store.runTransaction(tx -> {
            if (keyPath != null && tx.get(keyPath).isPresent()) {
                return false;
            }
            tx.set(path(tenantId, id), n);
            if (keyPath != null) {
                tx.set(keyPath, Map.of("notificationId", id, "requestHash", requestHash, "createdAt", now.toString()));
            }
            return true;
        });
        if (!created) {
            return create(tenantId, request, requestHash, idempotencyKey, annotations); // a concurrent call won: its answer
        }
        if (release.isPresent()) {
            scheduling.schedule(Scheduling.NOTIFICATION, tenantId, id, release.get());
            log.info("Notification {} of {} held for quiet hours until {}", id, tenantId, release.get());
        } else {
            dispatcher.dispatch(tenantId, id);
        }
        return view(store.get(path(tenantId, id)).orElseThrow().data());
    }

    /** Refuses (400) a notification request that could not be created; for reminders, checked when made. */
    public void check(String tenantId, NotificationRequest request) {
        requests.validate(tenants.require(tenantId), request);
    }

    public Optional<Map<String, Object>> find(String tenantId, String id) {
        return id.matches("ntf_[0-9a-f]{32}") ? store.get(path(tenantId, id)).map(d -> view(d.data())) : Optional.empty();
    }

    /** Quiet hours are over: a held notification goes out. */
    public void release(String tenantId, String id) {
        store.runTransaction(tx -> {
            Optional<Document> d = tx.get(path(tenantId, id));
            if (d.isPresent() && "held".equals(d.get().field("status"))) {
                tx.merge(path(tenantId, id), Map.of("status", "pending", "releasedAt", clock.instant().toString()));
            }
            return null;
        });
        resume(tenantId, id); // also after a release whose dispatch failed: the timer's retry finishes it
    }

    /**
     * Finishes what an interrupted step left: a held notification gets its timer again; a pending
     * one with no attempt, or whose last attempt failed, is dispatched. Idempotent.
     */
    void resume(String tenantId, String id) {
        Map<String, Object> n = store.get(path(tenantId, id)).map(Document::data).orElse(null);
        if (n == null) {
            return;
        }
        if ("held".equals(n.get("status")) && n.get("heldUntil") != null) {
            scheduling.schedule(Scheduling.NOTIFICATION, tenantId, id, Instant.parse((String) n.get("heldUntil")));
            return;
        }
        List<Map<String, Object>> attempts = NotificationDispatcher.attempts(n);
        if ("pending".equals(n.get("status"))
                && (attempts.isEmpty() || "failed".equals(attempts.get(attempts.size() - 1).get("outcome")))) {
            dispatcher.dispatch(tenantId, id);
        }
    }

    @Override
    public void messageFailed(String tenantId, String messageId, String notificationId, String channel, String reason) {
        boolean advance = store.runTransaction(tx -> {
            Optional<Document> d = tx.get(path(tenantId, notificationId));
            if (d.isEmpty()) {
                return false;
            }
            List<Map<String, Object>> attempts = NotificationDispatcher.attempts(d.get().data());
            for (Map<String, Object> a : attempts) {
                if (messageId.equals(a.get("messageId")) && "queued".equals(a.get("outcome"))) {
                    a.put("outcome", "failed");
                    a.put("reason", reason);
                    a.put("failedAt", clock.instant().toString());
                    tx.merge(path(tenantId, notificationId), Map.of("attempts", attempts, "status", "pending"));
                    return true;
                }
            }
            return false; // already marked (a redelivered status, or the refusal and its webhook both)
        });
        if (advance) {
            log.info("Notification {} of {}: {} message {} failed ({}); trying the next channel", notificationId,
                    tenantId, channel, messageId, reason);
        }
        resume(tenantId, notificationId); // told again after a dispatch that failed: it goes on from here
    }

    /** A stored request (a reminder's) as the record the endpoint takes; unreadable is a 400, as at the endpoint. */
    private NotificationRequest read(Map<String, Object> request) {
        try {
            return json.convertValue(request, NotificationRequest.class);
        } catch (IllegalArgumentException e) {
            throw NotificationRequests.invalid("notification is not a notification request (recipient, kind, data): "
                    + "a field has the wrong type.");
        }
    }

    private static Map<String, Object> view(Map<String, Object> n) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String f : List.of("id", "kind", "status", "channel", "heldUntil", "recipient", "policy", "attempts",
                "reminderId", "createdAt", "updatedAt")) {
            if (n.get(f) != null) {
                out.put(f, n.get(f));
            }
        }
        return out;
    }
}

package dev.pasarela.notifications;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Reminders: a notification to create at a time. Kept at {@code tenants/{t}/reminders/{id}}
 * ({@code scheduled → sent | missed | cancelled}, and {@code sent → failed} when the notification it
 * created reached no channel) with a {@link Scheduling} timer. When the timer
 * fires later than {@code pasarela.reminders.max-lateness} after the reminder's time (the gateway
 * was down), the reminder is {@code missed} instead of sent: an appointment reminder hours late
 * is worse than none. The notification is created with the key {@code reminder:<id>}, so a
 * timer run twice still makes one notification.
 */
@Component
public class Reminders {

    public static final Set<String> STATUSES = Set.of("scheduled", "sent", "failed", "missed", "cancelled");
    private static final Logger log = LoggerFactory.getLogger(Reminders.class);
    private static final int MAX_TIMES = 10;
    /** Post-sale follow-ups reach +6 months; a year and a bit covers the yearly service. */
    static final Duration MAX_AHEAD = Duration.ofDays(400);

    private final DocumentStore store;
    private final Scheduling scheduling;
    private final Notifications notifications;
    private final Duration maxLateness;
    private final Clock clock;
    private final ObjectMapper json;

    public Reminders(DocumentStore store, Scheduling scheduling, @Lazy Notifications notifications,
                     RemindersProperties properties, Clock clock, ObjectMapper json) {
        this.store = store;
        this.scheduling = scheduling;
        this.notifications = notifications;
        this.maxLateness = properties.maxLateness();
        this.clock = clock;
        this.json = json;
    }

    static String collection(String tenantId) {
        return TenantRepository.path(tenantId) + "/reminders";
    }

    static String path(String tenantId, String id) {
        return collection(tenantId) + "/" + id;
    }

    /**
     * {@code {"notification": {...}, "sendAt": "…"}}, or {@code "sendAt": [...]}, or
     * {@code "at": "…", "offsets": ["-PT24H", "-PT2H"]} (an appointment and when to remind of it),
     * or {@code "offsets": ["P7D", "P30D"]} from now (post-sale follow-ups).
     */
    public List<Map<String, Object>> create(String tenantId, ReminderRequest request) {
        notifications.check(tenantId, request.notification()); // refused now, not when it fires
        // stored as its JSON, the form the notification is created from (and fingerprinted by) when it fires
        Map<String, Object> notification = json.convertValue(request.notification(), new TypeReference<>() {});
        Instant now = clock.instant();
        List<Instant> times = times(request, now);
        for (Instant t : times) {
            if (t.isBefore(now)) {
                throw invalid("A reminder time (" + t + ") is in the past.");
            }
            if (t.isAfter(now.plus(MAX_AHEAD))) {
                throw invalid("A reminder time (" + t + ") is more than " + MAX_AHEAD.toDays() + " days ahead.");
            }
        }
        String group = "rgrp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Instant t : times) {
            String id = "rem_" + UUID.randomUUID().toString().replace("-", "");
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("id", id);
            doc.put("status", "scheduled");
            doc.put("sendAt", t.toString());
            doc.put("groupId", group);
            doc.put("notification", notification);
            doc.put("createdAt", now.toString());
            store.set(path(tenantId, id), doc);
            scheduling.schedule(Scheduling.REMINDER, tenantId, id, t);
            out.add(view(doc));
        }
        return out;
    }

    public List<Map<String, Object>> list(String tenantId, String status, int limit) {
        Query q = Query.all().orderBy("sendAt", false).limit(Math.max(1, Math.min(limit, 500)));
        if (status != null) {
            if (!STATUSES.contains(status)) {
                throw invalid("status must be one of " + STATUSES + ".");
            }
            q = Query.all().whereEqualTo("status", status).orderBy("sendAt", false).limit(Math.max(1, Math.min(limit, 500)));
        }
        return store.query(collection(tenantId), q).stream().map(d -> view(d.data())).toList();
    }

    public Map<String, Object> get(String tenantId, String id) {
        return view(require(tenantId, id).data());
    }

    public Map<String, Object> cancel(String tenantId, String id) {
        Map<String, Object> doc = transition(tenantId, id, "cancel", d -> {
            d.put("status", "cancelled");
            d.put("cancelledAt", clock.instant().toString());
        });
        scheduling.cancel(Scheduling.REMINDER, tenantId, id);
        return view(doc);
    }

    public Map<String, Object> reschedule(String tenantId, String id, String sendAt) {
        Instant t = instant(sendAt, "sendAt");
        if (t.isBefore(clock.instant()) || t.isAfter(clock.instant().plus(MAX_AHEAD))) {
            throw invalid("sendAt must be in the future and at most " + MAX_AHEAD.toDays() + " days ahead.");
        }
        Map<String, Object> doc = transition(tenantId, id, "reschedule", d -> d.put("sendAt", t.toString()));
        scheduling.schedule(Scheduling.REMINDER, tenantId, id, t);
        return view(doc);
    }

    /** The timer fired: send, or mark missed when too late. */
    @SuppressWarnings("unchecked")
    void fire(String tenantId, String id) {
        Instant now = clock.instant();
        Map<String, Object> due = store.runTransaction(tx -> {
            Optional<Document> d = tx.get(path(tenantId, id));
            if (d.isEmpty() || !"scheduled".equals(d.get().field("status"))) {
                return null; // cancelled, or already fired (a second run after recovery)
            }
            Map<String, Object> doc = new LinkedHashMap<>(d.get().data());
            Instant sendAt = Instant.parse((String) doc.get("sendAt"));
            if (now.isAfter(sendAt.plus(maxLateness))) {
                doc.put("status", "missed");
                doc.put("missedBy", Duration.between(sendAt, now).toString());
                tx.set(path(tenantId, id), doc);
                return null;
            }
            return doc;
        });
        if (due == null) {
            return;
        }
        Map<String, Object> n = notifications.create(tenantId, (Map<String, Object>) due.get("notification"),
                "reminder:" + id, Map.of("reminderId", id));
        // the notification may have failed already (no channel could take it), or fail later: see notificationFailed
        boolean reachedNone = notifications.find(tenantId, (String) n.get("id"))
                .map(x -> "failed".equals(x.get("status"))).orElse(false);
        boolean failed = store.runTransaction(tx -> {
            Map<String, Object> doc = new LinkedHashMap<>(tx.get(path(tenantId, id)).orElseThrow().data());
            boolean gone = reachedNone || "failed".equals(doc.get("status")) || doc.get("notificationFailedAt") != null;
            doc.put("status", gone ? "failed" : "sent");
            doc.put("notificationId", n.get("id"));
            doc.put("firedAt", now.toString());
            tx.set(path(tenantId, id), doc);
            return gone;
        });
        log.info("Reminder {} of {} fired as notification {}{}", id, tenantId, n.get("id"),
                failed ? ", which reached no channel" : "");
    }

    /** The notification a reminder created reached no channel: the reminder says so rather than {@code sent}. */
    static void notificationFailed(DocumentStore store, String tenantId, String id, Instant at) {
        store.runTransaction(tx -> {
            Optional<Document> d = tx.get(path(tenantId, id));
            if (d.isEmpty()) {
                return null;
            }
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("notificationFailedAt", at.toString());
            if ("sent".equals(d.get().field("status"))) {
                change.put("status", "failed");
            }
            tx.merge(path(tenantId, id), change);
            return null;
        });
    }

    private Map<String, Object> transition(String tenantId, String id, String what,
                                           java.util.function.Consumer<Map<String, Object>> change) {
        require(tenantId, id);
        Object[] result = store.runTransaction(tx -> {
            Map<String, Object> doc = new LinkedHashMap<>(tx.get(path(tenantId, id)).orElseThrow().data());
            if (!"scheduled".equals(doc.get("status"))) {
                return new Object[] {doc, false};
            }
            change.accept(doc);
            tx.set(path(tenantId, id), doc);
            return new Object[] {doc, true};
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) result[0];
        if (!(Boolean) result[1]) {
            throw new ProblemException(409, "reminder-not-scheduled", "Reminder not scheduled",
                    "Reminder " + id + " is " + doc.get("status") + "; only a scheduled reminder can " + what + ".");
        }
        return doc;
    }

    private Document require(String tenantId, String id) {
        return (id.matches("rem_[0-9a-f]{32}") ? store.get(path(tenantId, id)) : Optional.<Document>empty())
                .orElseThrow(() -> new ProblemException(404, "reminder-not-found", "Reminder not found",
                        "No reminder " + id + " for this tenant."));
    }

    private static List<Instant> times(ReminderRequest request, Instant now) {
        List<Instant> times = new ArrayList<>();
        if (request.sendAt() != null) {
            request.sendAt().forEach(s -> times.add(instant(s, "sendAt")));
        } else if (request.offsets() != null) {
            Instant base = request.at() != null ? instant(request.at(), "at") : now;
            for (String o : request.offsets()) {
                try {
                    times.add(base.plus(Duration.parse(String.valueOf(o))).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
                } catch (java.time.DateTimeException | ArithmeticException e) {
                    throw invalid("offsets are ISO-8601 durations such as -PT24H, -PT2H or P7D (days as P7D, not months).");
                }
            }
        } else {
            throw invalid("Give sendAt (a time or a list), or offsets (from at, or from now).");
        }
        if (times.isEmpty() || times.size() > MAX_TIMES) {
            throw invalid("Between 1 and " + MAX_TIMES + " reminder times per request.");
        }
        return times;
    }

    /** To the millisecond, Quartz's precision. */
    private static Instant instant(String text, String field) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        } catch (java.time.DateTimeException e) {
            throw invalid(field + " must be an ISO-8601 time with its offset, such as 2026-12-01T10:00:00-06:00.");
        }
    }

    private static Map<String, Object> view(Map<String, Object> doc) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String f : List.of("id", "status", "sendAt", "groupId", "notificationId", "missedBy", "firedAt",
                "notificationFailedAt",
                "cancelledAt", "notification", "createdAt")) {
            if (doc.get(f) != null) {
                out.put(f, doc.get(f));
            }
        }
        return out;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }
}

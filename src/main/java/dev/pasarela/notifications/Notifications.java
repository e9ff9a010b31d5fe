package dev.pasarela.notifications;

import dev.pasarela.messaging.SuppressionSink;
import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.MessageFailureListener;
import dev.pasarela.messaging.OutboundSender;
import dev.pasarela.messaging.Outbox;
import dev.pasarela.messaging.OutboxResponses;
import dev.pasarela.tenants.Messaging;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.api.RateLimitedException;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * One notification, many channels. A notification ({@code tenants/{t}/notifications/{id}}) has a
 * kind, a recipient (phone, email, or a contact id naming {@code tenants/{t}/contacts/{id}}), data,
 * and a channel policy (the request's, else the tenant's {@code messaging.channelPolicy}, else
 * {@code pasarela.notifications.channel-policy}). The first channel the recipient can receive on
 * gets the message: a number or address known, not opted out or suppressed, WhatsApp inside the
 * 24-hour window or with a template configured for the kind, the tenant set up for the channel,
 * quota left. When that message fails for good (refused, undelivered, bounced), the next channel
 * is tried. Every attempt, skipped ones with their reason, is in {@code attempts}.
 *
 * <p>Non-urgent notifications created inside the tenant's quiet hours are held and released
 * when they end ({@link Scheduling}); {@code urgent} ones go out at once.
 */
@Component
public class Notifications implements MessageFailureListener {

    public static final Set<String> KINDS = Set.of("appointment_reminder", "post_sale_reminder", "system",
            "confirmation", "urgent");
    static final List<String> CHANNELS = List.of("whatsapp", "sms", "email");
    private static final Logger log = LoggerFactory.getLogger(Notifications.class);

    private final DocumentStore store;
    private final Outbox outbox;
    private final TenantRepository tenants;
    private final Quotas quotas;
    private final Map<String, OutboundSender> senders;
    private final NotificationTexts texts;
    private final Scheduling scheduling;
    private final List<String> defaultPolicy;
    private final Duration window;

    public Notifications(DocumentStore store, Outbox outbox, TenantRepository tenants, Quotas quotas,
                         List<OutboundSender> senders, NotificationTexts texts, Scheduling scheduling,
                         @Value("${pasarela.notifications.channel-policy:whatsapp,sms,email}") List<String> defaultPolicy,
                         @Value("${pasarela.messaging.service-window:PT24H}") Duration window) {
        this.store = store;
        this.outbox = outbox;
        this.tenants = tenants;
        this.quotas = quotas;
        this.senders = senders.stream().collect(Collectors.toMap(OutboundSender::channel, Function.identity()));
        this.texts = texts;
        this.scheduling = scheduling;
        this.defaultPolicy = defaultPolicy;
        this.window = window;
    }

    static String path(String tenantId, String id) {
        return TenantRepository.path(tenantId) + "/notifications/" + id;
    }

    /**
     * Creates (or, for a key already used, returns) a notification and dispatches it, unless it is
     * held for quiet hours. {@code request}: recipient, kind, data, optional channels and message.
     */
    public Map<String, Object> create(String tenantId, Map<String, Object> request, String idempotencyKey,
                                      Map<String, Object> annotations) {
        Tenant tenant = tenants.require(tenantId);
        String keyPath = idempotencyKey == null ? null
                : TenantRepository.path(tenantId) + "/idempotencyKeys/notification-" + Outbox.keyDigest(idempotencyKey);
        String requestHash = Outbox.digest(request);
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
        Map<String, Object> n = validate(tenant, request);
        String id = "ntf_" + UUID.randomUUID().toString().replace("-", "");
        Instant now = Instant.now();
        n.put("id", id);
        n.put("createdAt", now.toString());
        n.put("attempts", List.of());
        n.putAll(annotations);
        Optional<Instant> release = "urgent".equals(n.get("kind")) ? Optional.empty()
                : QuietHours.of(messaging(tenant).quietHours(), tenant.timezone()).flatMap(q -> q.releaseAt(now));
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
            return create(tenantId, request, idempotencyKey, annotations); // a concurrent call won: its answer
        }
        if (release.isPresent()) {
            scheduling.schedule(Scheduling.NOTIFICATION, tenantId, id, release.get());
            log.info("Notification {} of {} held for quiet hours until {}", id, tenantId, release.get());
        } else {
            dispatch(tenantId, id);
        }
        return view(store.get(path(tenantId, id)).orElseThrow().data());
    }

    /** Refuses (400) a notification request that could not be created; for reminders, checked when made. */
    public void check(String tenantId, Map<String, Object> request) {
        validate(tenants.require(tenantId), request);
    }

    public Optional<Map<String, Object>> find(String tenantId, String id) {
        return id.matches("ntf_[0-9a-f]{32}") ? store.get(path(tenantId, id)).map(d -> view(d.data())) : Optional.empty();
    }

    /** Quiet hours are over: a held notification goes out. */
    public void release(String tenantId, String id) {
        store.runTransaction(tx -> {
            Optional<Document> d = tx.get(path(tenantId, id));
            if (d.isPresent() && "held".equals(d.get().field("status"))) {
                tx.merge(path(tenantId, id), Map.of("status", "pending", "releasedAt", Instant.now().toString()));
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
        List<Map<String, Object>> attempts = attempts(n);
        if ("pending".equals(n.get("status"))
                && (attempts.isEmpty() || "failed".equals(attempts.get(attempts.size() - 1).get("outcome")))) {
            dispatch(tenantId, id);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void messageFailed(String tenantId, String messageId, String notificationId, String channel, String reason) {
        boolean advance = store.runTransaction(tx -> {
            Optional<Document> d = tx.get(path(tenantId, notificationId));
            if (d.isEmpty()) {
                return false;
            }
            List<Map<String, Object>> attempts = attempts(d.get().data());
            for (Map<String, Object> a : attempts) {
                if (messageId.equals(a.get("messageId")) && "queued".equals(a.get("outcome"))) {
                    a.put("outcome", "failed");
                    a.put("reason", reason);
                    a.put("failedAt", Instant.now().toString());
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

    /** Sends on the next channel the recipient can receive on, or ends the notification as failed. */
    @SuppressWarnings("unchecked")
    void dispatch(String tenantId, String id) {
        Tenant tenant = tenants.require(tenantId);
        Document doc = store.get(path(tenantId, id)).orElseThrow();
        Map<String, Object> n = doc.data();
        List<String> policy = (List<String>) n.get("policy");
        List<Map<String, Object>> attempts = attempts(n);
        int from = attempts.size();
        List<Map<String, Object>> added = new ArrayList<>();
        for (int i = from; i < policy.size(); i++) {
            String channel = policy.get(i);
            Map<String, Object> attempt = new LinkedHashMap<>();
            attempt.put("channel", channel);
            attempt.put("at", Instant.now().toString());
            Candidate c = candidate(tenant, n, channel);
            if (c.skip() == null) {
                try {
                    quotas.consume(tenant, OutboxResponses.quotaChannel(channel), 1);
                } catch (RateLimitedException spent) {
                    c = Candidate.skipped("quota-exhausted");
                }
            }
            if (c.skip() != null) {
                attempt.put("outcome", "skipped");
                attempt.put("reason", c.skip());
                added.add(attempt);
                continue;
            }
            attempt.put("outcome", "queued");
            added.add(attempt);
            // the attempt is recorded before the message is queued: a refusal may come back at once
            Outbox.Accepted a = outbox.accept(tenantId, channel, c.to(), c.request(), "notification:" + id + ":" + channel,
                    () -> { }, Map.of("notificationId", id), messageId -> {
                        attempt.put("messageId", messageId);
                        record(tenantId, id, from, added, "dispatched", channel);
                    });
            if (a.replayed()) { // queued by an earlier dispatch of this step that did not record it
                attempt.put("messageId", a.id());
                record(tenantId, id, from, added, "dispatched", channel);
            }
            return;
        }
        record(tenantId, id, from, added, "failed", null);
        log.warn("Notification {} of {} reached no channel: {}", id, tenantId, added);
    }

    /** Appends this dispatch's attempts, unless another dispatcher already recorded this step. */
    private void record(String tenantId, String id, int from, List<Map<String, Object>> added, String status,
                        String channel) {
        store.runTransaction(tx -> {
            Map<String, Object> current = tx.get(path(tenantId, id)).map(Document::data).orElseThrow();
            if (attempts(current).size() != from) {
                return null; // another dispatcher recorded this step; the message it queued is the same one
            }
            List<Map<String, Object>> all = new ArrayList<>(attempts(current));
            all.addAll(added);
            Map<String, Object> update = new LinkedHashMap<>();
            update.put("attempts", all);
            update.put("status", status);
            update.put("channel", channel);
            update.put("updatedAt", Instant.now().toString());
            tx.merge(path(tenantId, id), update);
            return null;
        });
    }

    record Candidate(String to, Map<String, Object> request, String skip) {
        static Candidate skipped(String reason) {
            return new Candidate(null, null, reason);
        }
    }

    @SuppressWarnings("unchecked")
    private Candidate candidate(Tenant tenant, Map<String, Object> n, String channel) {
        Map<String, Object> recipient = (Map<String, Object>) n.get("recipient");
        Map<String, Object> data = (Map<String, Object>) n.getOrDefault("data", Map.of());
        Messaging.NotificationContent content = content(tenant, (String) n.get("kind"), (Map<String, Object>) n.get("message"));
        OutboundSender sender = senders.get(channel);
        if (sender == null || !sender.canSend(tenant.id())) {
            return Candidate.skipped("channel-not-configured");
        }
        String phone = (String) recipient.get("phone");
        String email = (String) recipient.get("email");
        String text = NotificationTexts.render(content.text(), data, false);
        switch (channel) {
            case "whatsapp" -> {
                if (phone == null) {
                    return Candidate.skipped("no-phone");
                }
                Optional<Document> conv = outbox.conversation(tenant.id(), "whatsapp", phone.substring(1));
                if (optedOut(conv)) {
                    return Candidate.skipped("opted-out");
                }
                Object last = conv.map(d -> d.field("lastInboundAt")).orElse(null);
                if (last != null && Instant.parse(last.toString()).plus(window).isAfter(Instant.now()) && text != null) {
                    return new Candidate(phone, Map.of("type", "text", "text", Map.of("body", text)), null);
                }
                if (content.whatsappTemplate() == null) {
                    return Candidate.skipped("outside-window-no-template");
                }
                List<Map<String, Object>> params = new ArrayList<>();
                for (String key : content.whatsappParams() == null ? List.<String>of() : content.whatsappParams()) {
                    params.add(Map.of("type", "text", "text", String.valueOf(data.getOrDefault(key, ""))));
                }
                Map<String, Object> template = new LinkedHashMap<>();
                template.put("name", content.whatsappTemplate());
                template.put("language", content.whatsappLanguage() == null ? "es_MX" : content.whatsappLanguage());
                if (!params.isEmpty()) {
                    template.put("components", List.of(Map.of("type", "body", "parameters", params)));
                }
                return new Candidate(phone, Map.of("type", "template", "template", template), null);
            }
            case "sms" -> {
                if (phone == null) {
                    return Candidate.skipped("no-phone");
                }
                if (optedOut(outbox.conversation(tenant.id(), "sms", phone))) {
                    return Candidate.skipped("opted-out");
                }
                return text == null ? Candidate.skipped("no-text")
                        : new Candidate(phone, Map.of("type", "text", "text", Map.of("body", text)), null);
            }
            case "email" -> {
                if (email == null) {
                    return Candidate.skipped("no-email");
                }
                if (store.get(SuppressionSink.path(tenant.id(), email)).isPresent()) {
                    return Candidate.skipped("suppressed");
                }
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("type", "email");
                if (content.emailTemplateId() != null) {
                    request.put("template", content.emailTemplateId());
                    request.put("data", data);
                }
                String subject = NotificationTexts.render(content.subject(), data, false);
                String html = content.html() != null ? NotificationTexts.render(content.html(), data, true)
                        : text == null ? null : "<p>" + NotificationTexts.escape(text) + "</p>";
                if (subject != null && html != null) {
                    request.put("subject", subject);
                    request.put("html", html);
                    if (text != null) {
                        request.put("text", text);
                    }
                }
                return request.containsKey("template") || request.containsKey("html")
                        ? new Candidate(email, request, null) : Candidate.skipped("no-email-content");
            }
            default -> {
                return Candidate.skipped("unknown-channel");
            }
        }
    }

    private static boolean optedOut(Optional<Document> conversation) {
        return conversation.map(d -> Boolean.TRUE.equals(d.field("optedOut"))).orElse(false);
    }

    /** The request's words, else the tenant's for the kind, else the gateway's default, field by field. */
    private Messaging.NotificationContent content(Tenant tenant, String kind, Map<String, Object> message) {
        Messaging.NotificationContent mine = Optional.ofNullable(messaging(tenant).notifications())
                .map(m -> m.get(kind)).orElse(null);
        Messaging.NotificationContent fallback = texts.defaults().get(kind);
        Function<Function<Messaging.NotificationContent, String>, String> pick = f -> {
            for (Messaging.NotificationContent c : new Messaging.NotificationContent[] {mine, fallback}) {
                if (c != null && f.apply(c) != null) {
                    return f.apply(c);
                }
            }
            return null;
        };
        String text = message != null && message.get("text") instanceof String s ? s : pick.apply(c -> c.text());
        String subject = message != null && message.get("subject") instanceof String s ? s : pick.apply(c -> c.subject());
        String html = message != null && message.get("html") instanceof String s ? s : pick.apply(c -> c.html());
        List<String> params = mine != null && mine.whatsappParams() != null ? mine.whatsappParams()
                : fallback != null ? fallback.whatsappParams() : null;
        return new Messaging.NotificationContent(text, subject, html, pick.apply(c -> c.emailTemplateId()),
                pick.apply(c -> c.whatsappTemplate()), pick.apply(c -> c.whatsappLanguage()), params);
    }

    private static Messaging messaging(Tenant tenant) {
        return tenant.messaging() == null ? new Messaging(null) : tenant.messaging();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> validate(Tenant tenant, Map<String, Object> request) {
        String kind = request.get("kind") instanceof String k ? k : null;
        if (kind == null || !KINDS.contains(kind)) {
            throw invalid("kind must be one of " + KINDS + ".");
        }
        Map<String, Object> given = request.get("recipient") instanceof Map<?, ?> r ? (Map<String, Object>) r : Map.of();
        Map<String, Object> recipient = new LinkedHashMap<>();
        if (given.get("contactId") instanceof String contactId) {
            if (!contactId.matches("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}")) {
                throw invalid("recipient.contactId must be 1-200 letters, digits and . _ : @ + -, starting with a letter or digit.");
            }
            Document contact = store.get(TenantRepository.path(tenant.id()) + "/contacts/" + Paths.segment(contactId))
                    .orElseThrow(() -> invalid("No contact " + contactId + " in the tenant's contacts."));
            recipient.put("contactId", contactId);
            copy(contact.data(), recipient);
        }
        copy(given, recipient);
        if (recipient.get("phone") != null && !OutboxResponses.E164.matcher(String.valueOf(recipient.get("phone"))).matches()) {
            throw invalid("recipient.phone must be an E.164 number with '+'.");
        }
        if (recipient.get("email") != null
                && !OutboxResponses.EMAIL.matcher(String.valueOf(recipient.get("email"))).matches()) {
            throw invalid("recipient.email must be one email address.");
        }
        if (recipient.get("phone") == null && recipient.get("email") == null) {
            throw invalid("recipient needs a phone, an email, or a contactId whose contact has one.");
        }
        List<String> policy = request.get("channels") instanceof List<?> l ? (List<String>) l
                : Optional.ofNullable(messaging(tenant).channelPolicy()).orElse(defaultPolicy);
        if (policy.isEmpty() || !CHANNELS.containsAll(policy) || policy.stream().distinct().count() != policy.size()) {
            throw invalid("channels lists each of " + CHANNELS + " at most once.");
        }
        Map<String, Object> data = request.get("data") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
        Map<String, Object> message = request.get("message") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        Messaging.NotificationContent content = content(tenant, kind, message);
        Set<String> missing = new java.util.LinkedHashSet<>(NotificationTexts.missing(content.text(), data));
        missing.addAll(NotificationTexts.missing(content.subject(), data));
        missing.addAll(NotificationTexts.missing(content.html(), data));
        if (!missing.isEmpty()) {
            throw invalid("data lacks " + String.join(", ", missing) + " for the " + kind + " texts.");
        }
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("kind", kind);
        n.put("recipient", recipient);
        n.put("data", data);
        if (message != null) {
            n.put("message", message);
        }
        n.put("policy", policy);
        return n;
    }

    private static void copy(Map<String, Object> from, Map<String, Object> to) {
        for (String f : List.of("phone", "email")) {
            if (from.get(f) instanceof String s && !s.isBlank()) {
                to.put(f, s.trim());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> attempts(Map<String, Object> n) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (n.get("attempts") instanceof List<?> l) {
            l.forEach(a -> out.add(new LinkedHashMap<>((Map<String, Object>) a)));
        }
        return out;
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

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }
}

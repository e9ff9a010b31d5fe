package dev.pasarela.integrations.ai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.api.RateLimitedException;
import dev.pasarela.callbacks.CallbackSink;
import dev.pasarela.messaging.AgentReplies;
import dev.pasarela.messaging.Channel;
import dev.pasarela.messaging.ChannelRequest;
import dev.pasarela.messaging.Channels;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.messaging.OutboundRequest;
import dev.pasarela.messaging.Outbox;
import dev.pasarela.messaging.Recipients;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import dev.pasarela.store.Query;
import dev.pasarela.tenants.TenantRepository;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Analyses a customer's message and, where the tenant turned automatic replies on, answers it or
 * hands the conversation to a person. Called by {@code ai.job.reply} for each {@link AutoReplyJob}.
 *
 * <p>Idempotent per event: the job document {@code tenants/{t}/aiJobs/{id}} records the stage
 * reached (analysed with its results, the reply drafted with its text, finished), so a redelivery
 * neither calls the model again for what it already answered nor replies twice; the outbox's
 * {@code Idempotency-Key auto-reply:<eventKey>} guards the send itself.
 *
 * <p>The rules, in order: nothing to a contact who opted out, outside the service window, while an
 * agent is talking to them (an agent wrote within {@code humanPause}) or after a handoff (for
 * {@code humanPause}), nor more than {@code maxPerConversationPerHour} replies in any hour. Then a
 * flagged message, a customer asking for a person, a classification under {@code minConfidence}
 * or a draft the model will not stand behind goes to a person ({@code conversation.handoff}).
 */
@Component
public class AutoReplies {

    public static final String METRIC = "pasarela.ai.auto_replies";
    public static final String ANALYZED_EVENT = "conversation.analyzed";
    public static final String HANDOFF_EVENT = "conversation.handoff";

    private static final Logger log = LoggerFactory.getLogger(AutoReplies.class);
    private static final int CONTEXT_MESSAGES = 10;
    /** Replies are meant to be a few sentences; a longer draft is cut rather than refused by the channel. */
    private static final int MAX_REPLY_CHARS = 1000;
    private static final Duration RATE_WINDOW = Duration.ofHours(1);
    private static final Set<String> FINISHED = Set.of("replied", "handed-off", "skipped", "analyzed");

    private final DocumentStore store;
    private final AiSettingsStore settings;
    // the assistant is another team's bean: without one, jobs are skipped rather than the gateway not starting
    private final ObjectProvider<AiAssistant> assistants;
    private final Recipients recipients;
    private final Channels channels;
    private final Outbox outbox;
    private final CallbackSink callbacks;
    private final MeterRegistry meters;
    private final ObjectMapper json;
    private final Clock clock;

    public AutoReplies(DocumentStore store, AiSettingsStore settings, ObjectProvider<AiAssistant> assistants,
                       Recipients recipients, Channels channels, Outbox outbox, CallbackSink callbacks,
                       MeterRegistry meters, ObjectMapper json, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.assistants = assistants;
        this.recipients = recipients;
        this.channels = channels;
        this.outbox = outbox;
        this.callbacks = callbacks;
        this.meters = meters;
        this.json = json;
        this.clock = clock;
    }

    /** The classification, sentiment (null when the tenant does not analyse messages) and moderation of a message. */
    record Analysis(boolean flagged, LeadClassification classification, SentimentResult sentiment) {}

    /** The assistant cannot serve this tenant now (no AI in its plan, quota spent): not a fault to retry. */
    static final class AiNotAvailable extends RuntimeException {
        AiNotAvailable(String why) {
            super(why, null, false, false);
        }
    }

    public static String jobPath(AutoReplyJob job) {
        return TenantRepository.path(job.tenantId()) + "/aiJobs/" + job.id();
    }

    static String conversationPath(AutoReplyJob job) {
        return ConversationSink.conversationPath(job.tenantId(), job.channel(), job.contactId());
    }

    static String messagePath(AutoReplyJob job, String messageId) {
        return conversationPath(job) + "/messages/" + Paths.segment(messageId);
    }

    public void handle(AutoReplyJob job) {
        Map<String, Object> state = store.get(jobPath(job)).map(d -> (Map<String, Object>) new LinkedHashMap<>(d.data()))
                .orElseGet(LinkedHashMap::new);
        if (FINISHED.contains(String.valueOf(state.get("stage")))) {
            return; // a redelivery of a job already done
        }
        Optional<AiSettings> found = settings.find(job.tenantId());
        AiSettings.AutoReplies rules = found.map(AiSettings::autoReplies).orElse(null);
        boolean answers = rules != null && rules.on(job.channel());
        if (rules == null || !answers && !rules.analyzeInbound()) {
            finish(job, "skipped", Map.of("reason", "off")); // switched off since the job was queued
            return;
        }
        AiAssistant ai = assistants.getIfAvailable();
        if (ai == null) {
            skipped(job, true, "no-ai");
            return;
        }
        Optional<Document> inbound = store.get(messagePath(job, job.messageId()));
        if (inbound.isEmpty() || !(inbound.get().field("content.text") instanceof String text) || text.isBlank()) {
            finish(job, "skipped", Map.of("reason", "no-text"));
            return;
        }
        try {
            List<ChatCall.Turn> turns = turns(job, inbound.get());
            Analysis analysis = state.get("analysis") instanceof Map<?, ?> stored ? read(stored)
                    : analyze(ai, job, rules, inbound.get(), text, turns);
            if (!answers) {
                finish(job, "analyzed", Map.of());
                return;
            }
            decide(ai, job, found.get(), analysis, turns, (String) state.get("draft"));
        } catch (AiNotAvailable e) { // counted even for analysis only: the tenant pays for nothing it gets
            skipped(job, true, e.getMessage());
        }
    }

    // ---- analysis

    private Analysis analyze(AiAssistant ai, AutoReplyJob job, AiSettings.AutoReplies rules, Document inbound,
                             String text, List<ChatCall.Turn> turns) {
        // without any key there is no moderation nor sentiment, but classification still works (in-process)
        Moderation moderation = withoutKeyNull(() -> ai.moderate(job.tenantId(), text));
        LeadClassification classification = call(() -> ai.classifyLead(job.tenantId(), turns));
        SentimentResult sentiment = rules.analyzeInbound() ? withoutKeyNull(() -> ai.sentiment(job.tenantId(), text)) : null;
        Analysis analysis = new Analysis(moderation != null && moderation.flagged(), classification, sentiment);
        record(job, inbound, analysis);
        if (rules.analyzeInbound()) {
            Map<String, Object> body = event(job, ANALYZED_EVENT, "analyzed");
            body.put("classification", classification(analysis.classification()));
            body.put("sentiment", sentiment(analysis.sentiment()));
            body.put("flagged", analysis.flagged());
            callbacks.post(job.tenantId(), (String) body.get("eventId"), ANALYZED_EVENT, body);
        }
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("flagged", analysis.flagged());
        stored.put("classification", classification(analysis.classification()));
        stored.put("sentiment", sentiment(analysis.sentiment()));
        store.merge(jobPath(job), Map.of("stage", "analysis-done", "analysis", stored));
        return analysis;
    }

    /** On the message, and on the conversation unless a newer message was analysed first. */
    private void record(AutoReplyJob job, Document inbound, Analysis analysis) {
        String now = clock.instant().toString();
        String sentAt = inbound.field("sentAt") == null ? now : inbound.field("sentAt").toString();
        Map<String, Object> onMessage = new LinkedHashMap<>();
        onMessage.put("classification", classification(analysis.classification()));
        onMessage.put("flagged", analysis.flagged());
        onMessage.put("analyzedAt", now);
        if (analysis.sentiment() != null) {
            onMessage.put("sentiment", sentiment(analysis.sentiment()));
        }
        Map<String, Object> onConversation = new LinkedHashMap<>();
        onConversation.put("lastClassification", classification(analysis.classification()));
        onConversation.put("lastClassificationAt", now);
        if (analysis.sentiment() != null) {
            onConversation.put("lastSentiment", sentiment(analysis.sentiment()));
            onConversation.put("lastSentimentAt", now);
        }
        onConversation.put("lastAnalyzedMessageAt", sentAt);
        store.runTransaction(tx -> {
            Object newest = tx.get(conversationPath(job)).map(d -> d.field("lastAnalyzedMessageAt")).orElse(null);
            tx.merge(inbound.path(), onMessage);
            if (newest == null || !after(newest.toString(), sentAt)) {
                tx.merge(conversationPath(job), onConversation);
            }
            return null;
        });
    }

    private Analysis read(Map<?, ?> stored) {
        return new Analysis(Boolean.TRUE.equals(stored.get("flagged")),
                json.convertValue(stored.get("classification"), LeadClassification.class),
                stored.get("sentiment") == null ? null : json.convertValue(stored.get("sentiment"), SentimentResult.class));
    }

    // ---- the rules and the reply

    private void decide(AiAssistant ai, AutoReplyJob job, AiSettings settings, Analysis analysis,
                        List<ChatCall.Turn> turns, String draft) {
        AiSettings.AutoReplies rules = settings.autoReplies();
        Optional<Document> conversation = recipients.conversation(job.tenantId(), job.channel(), job.contactId());
        Instant now = clock.instant();
        if (draft != null) {
            // drafted before a crash or a retry: the rules were passed then; the outbox's key makes the
            // send idempotent and its channel checks still refuse an opted-out contact or a closed window
            reply(ai, job, settings, analysis, turns, draft);
        } else if (Recipients.optedOut(conversation)) {
            skipped(job, true, "opted-out");
        } else if (within(conversation, AgentReplies.LAST_AGENT_REPLY_AT, rules.humanPause(), now)) {
            skipped(job, true, "human-active");
        } else if (within(conversation, "handoffAt", rules.humanPause(), now)
                && !job.id().equals(conversation.get().field("handoffJob"))) {
            skipped(job, true, "handed-off");
        } else if (analysis.flagged()) {
            // a handoff is a callback to the dealer: it needs no window nor send, and no hourly limit holds it
            handoff(job, analysis, "flagged");
        } else if (analysis.classification().wantsHuman()) {
            handoff(job, analysis, "asked-for-human");
        } else if (analysis.classification().confidence() < rules.minConfidence()) {
            handoff(job, analysis, "unsure");
        } else if (!recipients.insideServiceWindow(conversation)) {
            skipped(job, true, "outside-window");
        } else if (!channels.require(job.channel()).canSend(job.tenantId())) {
            skipped(job, true, "no-account"); // no account or token on the channel: no reply worth drafting
        } else if (recent(conversation, now, job.id()) >= rules.maxPerConversationPerHour()) {
            skipped(job, true, "rate-limit");
        } else if (!reserve(job, rules.maxPerConversationPerHour())) {
            skipped(job, true, "rate-limit"); // another job of this conversation took the last slot
        } else {
            reply(ai, job, settings, analysis, turns, null);
        }
    }

    private void reply(AiAssistant ai, AutoReplyJob job, AiSettings settings, Analysis analysis,
                       List<ChatCall.Turn> turns, String draft) {
        String text = draft;
        if (text == null) {
            ReplyDraft proposed;
            try {
                proposed = call(() -> ai.reply(job.tenantId(), settings.context(), turns));
            } catch (RuntimeException e) {
                release(job); // the slot is taken again by the retry, or by the next message
                throw e;
            }
            if (proposed == null || proposed.handoff() || proposed.text() == null || proposed.text().isBlank()) {
                release(job);
                handoff(job, analysis, "model-handoff");
                return;
            }
            text = proposed.text().strip();
            if (text.codePointCount(0, text.length()) > MAX_REPLY_CHARS) { // whole characters: never half an emoji
                text = text.substring(0, text.offsetByCodePoints(0, MAX_REPLY_CHARS));
            }
            // kept before sending: a redelivery sends this same text, which the outbox's key recognises
            store.merge(jobPath(job), Map.of("stage", "drafted", "draft", text));
        }
        Outbox.Accepted accepted;
        try {
            accepted = send(channels.require(job.channel()), job, text);
        } catch (ProblemException refused) {
            if (refused.status() >= 500) {
                throw new TransientException("auto-reply not queued: " + refused.status(), refused);
            }
            release(job); // the channel's own rules refused it (opted out, window closed since)
            skipped(job, true, "refused");
            return;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", accepted.id());
        message.put("messageId", accepted.id());
        message.put("direction", "outbound");
        message.put("auto", true);
        message.put("origin", AgentReplies.ORIGIN_AUTO_REPLY);
        message.put("channel", job.channel());
        message.put("to", job.contactId());
        message.put("kind", "text");
        message.put("content", Map.of("text", text));
        message.put("inReplyTo", job.messageId());
        message.put("sentAt", accepted.createdAt());
        store.merge(messagePath(job, accepted.id()), message);
        finish(job, "replied", Map.of("messageId", accepted.id()));
        count(job, "sent");
    }

    private <R extends ChannelRequest> Outbox.Accepted send(Channel<R> channel, AutoReplyJob job, String text) {
        String to = channel.address(job.contactId());
        R request = channel.validate(channel.text(text));
        return outbox.accept(OutboundRequest.of(job.tenantId(), channel.name(), to, request,
                        "auto-reply:" + job.eventKey())
                .checkedBy(() -> channel.checkAcceptable(job.tenantId(), to, request))
                .annotated(Map.of(AgentReplies.ORIGIN, AgentReplies.ORIGIN_AUTO_REPLY, "inReplyTo", job.messageId())));
    }

    private void handoff(AutoReplyJob job, Analysis analysis, String reason) {
        String now = clock.instant().toString();
        store.merge(conversationPath(job), Map.of("handoffAt", now, "handoffReason", reason, "handoffJob", job.id()));
        Map<String, Object> body = event(job, HANDOFF_EVENT, "handoff");
        body.put("reason", reason);
        body.put("classification", classification(analysis.classification()));
        body.put("handoffAt", now);
        callbacks.post(job.tenantId(), (String) body.get("eventId"), HANDOFF_EVENT, body);
        finish(job, "handed-off", Map.of("reason", reason));
        count(job, "handoff");
        log.info("Auto-reply job {} of {} on {}: handed to a person ({})", job.id(), job.tenantId(), job.channel(), reason);
    }

    // ---- the hourly limit: reservations on the conversation, taken in a transaction

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> slots(Optional<Document> conversation, Instant now) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (conversation.map(d -> d.field("autoReplySlots")).orElse(null) instanceof List<?> list) {
            list.stream().filter(Map.class::isInstance).map(x -> (Map<String, Object>) x)
                    .filter(s -> s.get("at") != null && Instant.parse(s.get("at").toString()).isAfter(now.minus(RATE_WINDOW)))
                    .forEach(out::add);
        }
        return out;
    }

    private static long recent(Optional<Document> conversation, Instant now, String jobId) {
        return slots(conversation, now).stream().filter(s -> !jobId.equals(s.get("job"))).count();
    }

    /** Takes one of the hour's replies for this job (again, on a redelivery); false when none is left. */
    private boolean reserve(AutoReplyJob job, int max) {
        Instant now = clock.instant();
        return store.runTransaction(tx -> {
            List<Map<String, Object>> slots = slots(tx.get(conversationPath(job)), now);
            if (slots.stream().anyMatch(s -> job.id().equals(s.get("job")))) {
                return true;
            }
            if (slots.size() >= max) {
                return false;
            }
            slots.add(Map.of("job", job.id(), "at", now.toString()));
            tx.merge(conversationPath(job), Map.of("autoReplySlots", slots));
            return true;
        });
    }

    /** No reply went out for this job after all: its slot goes back. */
    private void release(AutoReplyJob job) {
        Instant now = clock.instant();
        store.runTransaction(tx -> {
            List<Map<String, Object>> slots = slots(tx.get(conversationPath(job)), now);
            if (slots.removeIf(s -> job.id().equals(s.get("job")))) {
                tx.merge(conversationPath(job), Map.of("autoReplySlots", slots));
            }
            return null;
        });
    }

    // ---- the conversation as the model reads it

    /**
     * The last {@value #CONTEXT_MESSAGES} texts up to this message, oldest first: the customer's
     * messages and our automatic replies, consecutive ones of a side joined, starting with the
     * customer and ending with this message.
     */
    private List<ChatCall.Turn> turns(AutoReplyJob job, Document inbound) {
        Instant upTo = instant(inbound.field("sentAt"));
        List<Document> recent = new ArrayList<>(store.query(conversationPath(job) + "/messages",
                        Query.all().orderBy("sentAt", true).limit(CONTEXT_MESSAGES * 2)).stream()
                .filter(d -> !d.path().equals(inbound.path()))
                .filter(d -> upTo == null || instant(d.field("sentAt")) == null || !instant(d.field("sentAt")).isAfter(upTo))
                .sorted(Comparator.comparing((Document d) -> instant(d.field("sentAt")),
                        Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList());
        recent.add(inbound);
        List<ChatCall.Turn> turns = new ArrayList<>();
        for (Document d : recent.subList(Math.max(0, recent.size() - CONTEXT_MESSAGES), recent.size())) {
            if (!(d.field("content.text") instanceof String text) || text.isBlank()) {
                continue;
            }
            boolean ours = "outbound".equals(d.field("direction"));
            if (ours && !Boolean.TRUE.equals(d.field("auto"))) {
                continue;
            }
            ChatCall.Role role = ours ? ChatCall.Role.ASSISTANT : ChatCall.Role.USER;
            if (turns.isEmpty() && role == ChatCall.Role.ASSISTANT) {
                continue; // the model's conversation starts with the customer
            }
            if (!turns.isEmpty() && turns.get(turns.size() - 1).role() == role) {
                ChatCall.Turn last = turns.remove(turns.size() - 1);
                turns.add(new ChatCall.Turn(role, last.text() + "\n" + text));
            } else {
                turns.add(new ChatCall.Turn(role, text));
            }
        }
        return turns;
    }

    // ---- calling the assistant

    /**
     * The assistant's refusals as the job's outcome: no AI in the plan (403) or its quota spent
     * skip the job; the provider's rate limit and outages are retried by the central policy
     * (after the wait it asked for); anything else will not change on a retry.
     */
    private static final String NO_KEY = "no-key";

    private <T> T withoutKeyNull(Supplier<T> call) {
        try {
            return call(call);
        } catch (AiNotAvailable e) {
            if (NO_KEY.equals(e.getMessage())) {
                return null;
            }
            throw e;
        }
    }

    private <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (ProblemException p) {
            String type = p.type() == null ? "" : p.type();
            // nothing to wait for: no AI in the plan, no tokens left, no key anywhere, a message too long
            if (type.equals("ai-not-configured")) {
                throw new AiNotAvailable(NO_KEY);
            }
            if (p.status() == 403 || p.status() == 413 || type.startsWith("quota-exhausted")) {
                throw new AiNotAvailable(p.status() == 413 ? "too-long" : "no-ai");
            }
            // the model's answer broke its schema twice (each try charged): a dead letter, not a third try
            if (type.equals("ai-invalid-answer")) {
                throw new PermanentException("AI answers did not validate: " + type, p);
            }
            // a wrong key, billing, a request the provider refuses: retrying cannot help; the dead
            // letter tells the operator, who replays it once the key or account is fixed
            if (type.equals("ai-provider-unauthorized") || type.equals("ai-provider-billing")
                    || type.equals("ai-provider-rejected") || p.status() < 429) {
                throw new PermanentException("AI refused the job: " + p.status() + " " + type, p);
            }
            Duration wait = p.retryAfterSeconds() > 0 ? Duration.ofSeconds(p.retryAfterSeconds()) : null;
            throw new TransientException("AI answered " + p.status() + " " + type, p, wait);
        } catch (AiProviderException e) {
            if (e.failure().retryable()) {
                throw new TransientException(e.getMessage(), e, e.retryAfter());
            }
            throw new PermanentException(e.getMessage(), e);
        }
    }

    // ---- small helpers

    private void skipped(AutoReplyJob job, boolean answers, String reason) {
        finish(job, "skipped", Map.of("reason", reason));
        if (answers) {
            count(job, "skipped-" + reason);
        }
        log.info("Auto-reply job {} of {} on {}: skipped ({})", job.id(), job.tenantId(), job.channel(), reason);
    }

    private void finish(AutoReplyJob job, String stage, Map<String, Object> more) {
        Map<String, Object> data = new LinkedHashMap<>(more);
        data.put("stage", stage);
        data.put("channel", job.channel());
        data.put("messageId", job.messageId());
        data.put("eventKey", job.eventKey());
        data.put("finishedAt", clock.instant().toString());
        store.merge(jobPath(job), data);
    }

    private void count(AutoReplyJob job, String outcome) {
        meters.counter(METRIC, "tenant", job.tenantId(), "channel", job.channel(), "outcome", outcome).increment();
    }

    private Map<String, Object> event(AutoReplyJob job, String type, String suffix) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("eventId", job.eventKey() + ":" + suffix);
        body.put("tenantId", job.tenantId());
        body.put("channel", job.channel());
        body.put("contact", job.contactId());
        body.put("messageId", job.messageId());
        return body;
    }

    private static Map<String, Object> classification(LeadClassification c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intent", c.intent() == null ? null : c.intent().label());
        m.put("urgency", c.urgency());
        m.put("vehicle", c.vehicle());
        m.put("confidence", c.confidence());
        m.put("wantsHuman", c.wantsHuman());
        m.put("method", c.method());
        m.put("model", c.model());
        return m;
    }

    private static Map<String, Object> sentiment(SentimentResult s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sentiment", s.sentiment());
        m.put("score", s.score());
        m.put("reason", s.reason());
        m.put("model", s.model());
        return m;
    }

    private static boolean within(Optional<Document> conversation, String field, Duration pause, Instant now) {
        Instant at = instant(conversation.map(d -> d.field(field)).orElse(null));
        return at != null && at.plus(pause).isAfter(now);
    }

    private static boolean after(String a, String b) {
        return Instant.parse(a).isAfter(Instant.parse(b));
    }

    private static Instant instant(Object value) {
        return value == null ? null : Instant.parse(value.toString());
    }
}

package dev.pasarela.integrations.ai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.EffectivePlan;
import dev.pasarela.tenants.PlanCatalog;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The AI use cases. Each call: the tenant's plan must include AI ({@code ai-tokens} not 0, else 403)
 * and have tokens left (else 429, no provider called); the tokens the provider reports are then
 * charged to the month's {@code ai-tokens} and counted in {@code pasarela.ai.tokens}. A structured
 * answer that does not bind to its record is asked for once more, then it is a 502.
 */
@Service
public class AiUseCases implements AiAssistant {

    private static final Logger log = LoggerFactory.getLogger(AiUseCases.class);

    static final String QUOTA = "ai-tokens";

    private final AiModels models;
    private final EmbeddingClassifier nearestLabel;
    private final LocalEmbeddings localEmbeddings;
    private final TenantRepository tenants;
    private final EffectivePlan plans;
    private final Quotas quotas;
    private final AiProperties properties;
    private final ObjectMapper json;
    private final Validator validator;
    private final MeterRegistry meters;

    public AiUseCases(AiModels models, EmbeddingClassifier nearestLabel, LocalEmbeddings localEmbeddings,
                      TenantRepository tenants, EffectivePlan plans,
                      Quotas quotas, AiProperties properties, ObjectMapper json, Validator validator,
                      MeterRegistry meters) {
        this.models = models;
        this.nearestLabel = nearestLabel;
        this.localEmbeddings = localEmbeddings;
        this.tenants = tenants;
        this.plans = plans;
        this.quotas = quotas;
        this.properties = properties;
        this.json = json;
        this.validator = validator;
        this.meters = meters;
    }

    @Override
    public Generated generate(String tenantId, GenerateRequest request) {
        Tenant tenant = admit(tenantId);
        ChatResult r = chat(tenant, UseCase.GENERATE, AiPrompts.generate(request),
                List.of(ChatCall.Turn.user(AiPrompts.vehicle(request.vehicle()))), null);
        if (r.refused() || r.text() == null || r.text().isBlank()) {
            throw refused();
        }
        return new Generated(r.text().strip(), r.truncated(), r.model());
    }

    @Override
    public LeadClassification classifyLead(String tenantId, List<ChatCall.Turn> conversation) {
        List<ChatCall.Turn> turns = fit(conversation);
        Tenant tenant = admit(tenantId);
        if (!models.hasChat(tenantId)) {
            return byEmbeddings(lastCustomerText(turns));
        }
        Answer<AiAnswers.Classification> a = structured(tenant, UseCase.CLASSIFY_LEAD, AiPrompts.classification(),
                List.of(ChatCall.Turn.user(AiPrompts.transcript(turns))), AiAnswers.CLASSIFICATION,
                AiAnswers.Classification.class);
        String vehicle = a.answer().vehicle() == null || a.answer().vehicle().isBlank() ? null : a.answer().vehicle();
        return new LeadClassification(LeadIntent.of(a.answer().intent()), a.answer().urgency(), vehicle,
                a.answer().confidence(), a.answer().wantsHuman(), "llm", a.model());
    }

    @Override
    public LeadClassification classifyLeadLocally(String tenantId, List<ChatCall.Turn> conversation) {
        List<ChatCall.Turn> turns = fit(conversation);
        admit(tenantId);
        return byEmbeddings(lastCustomerText(turns));
    }

    @Override
    public SentimentResult sentiment(String tenantId, String text) {
        requireSize(text);
        Tenant tenant = admit(tenantId);
        Answer<AiAnswers.Sentiment> a = structured(tenant, UseCase.SENTIMENT, AiPrompts.sentiment(),
                List.of(ChatCall.Turn.user(text)), AiAnswers.SENTIMENT, AiAnswers.Sentiment.class);
        return new SentimentResult(a.answer().sentiment(), a.answer().score(), a.answer().reason(), a.model());
    }

    @Override
    public Moderation moderate(String tenantId, String text) {
        requireSize(text);
        Tenant tenant = admit(tenantId);
        var openai = models.moderationProvider(tenantId);
        if (openai.isPresent()) {
            return models.moderate(openai.get(), text); // free of charge at OpenAI: no tokens to meter
        }
        // Anthropic has no moderation endpoint: Claude asked as a classifier, flagged categories scored 1
        Answer<AiAnswers.ModerationVerdict> a = structured(tenant, UseCase.MODERATE, AiPrompts.moderation(),
                List.of(ChatCall.Turn.user(text)), AiAnswers.MODERATION, AiAnswers.ModerationVerdict.class);
        Map<String, Boolean> categories = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        AiAnswers.MODERATION_CATEGORIES.forEach(c -> {
            boolean hit = a.answer().categories().contains(c);
            categories.put(c, hit);
            scores.put(c, hit ? 1.0 : 0.0);
        });
        return new Moderation(a.provider(), a.model(), a.answer().flagged() || categories.containsValue(true),
                categories, scores);
    }

    @Override
    public Embeddings embed(String tenantId, List<String> texts) {
        texts.forEach(this::requireSize);
        Tenant tenant = admit(tenantId);
        Embeddings e = models.embed(tenantId, texts);
        charge(tenant, e.provider(), "embeddings", e.usage());
        return e;
    }

    @Override
    public ReplyDraft reply(String tenantId, TenantContext context, List<ChatCall.Turn> conversation) {
        List<ChatCall.Turn> turns = fit(conversation);
        Tenant tenant = admit(tenantId);
        Answer<AiAnswers.Reply> a;
        try {
            a = structured(tenant, UseCase.REPLY, AiPrompts.reply(context), alternating(turns), AiAnswers.REPLY,
                    AiAnswers.Reply.class);
        } catch (ProblemException e) {
            if (e.status() == 422) { // the model declines to answer this customer: a person should
                return new ReplyDraft(null, true, "model-refused", null);
            }
            throw e;
        }
        boolean handoff = a.answer().handoff() || a.answer().reply() == null || a.answer().reply().isBlank();
        return new ReplyDraft(handoff ? null : a.answer().reply().strip(), handoff,
                handoff ? reasonOrDefault(a.answer().reason()) : null, a.model());
    }

    /** The tenant exists, its plan includes AI, and it has tokens left this month. */
    private Tenant admit(String tenantId) {
        Tenant tenant = tenants.find(tenantId).orElseThrow(() -> new ProblemException(403, "unknown-tenant",
                "Forbidden", "The credentials name a tenant the gateway does not know."));
        PlanCatalog.Plan plan = plans.of(tenant);
        if (plan.quota(QUOTA).map(limit -> limit == 0).orElse(false)) {
            throw new ProblemException(403, "plan-excludes-ai", "AI not in plan",
                    "The " + plan.name() + " plan does not include AI (its ai-tokens quota is 0); change the plan to use it.");
        }
        quotas.requireRemaining(tenant, QUOTA);
        return tenant;
    }

    private record Answer<T>(T answer, String provider, String model) {
    }

    /** A schema-bound answer: asked once more when it does not validate, then a 502. */
    private <T> Answer<T> structured(Tenant tenant, UseCase useCase, String system, List<ChatCall.Turn> turns,
                                     ChatCall.StructuredOutput output, Class<T> type) {
        String problem = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            ChatResult r = chat(tenant, useCase, system, turns, output);
            if (r.refused()) { // deliberate: asking again gets the same answer, and costs tokens
                throw refused();
            }
            problem = invalidity(r, type);
            if (problem == null) {
                return new Answer<>(bind(r.text(), type), r.provider(), r.model());
            }
            meters.counter("pasarela.ai.invalid_answers", "provider", r.provider(), "use_case", useCase.key()).increment();
            log.warn("AI {} answer from {} did not validate (attempt {}): {}", useCase.key(), r.provider(), attempt, problem);
        }
        throw new ProblemException(502, "ai-invalid-answer", "Invalid AI answer",
                "The model's answer did not follow the " + output.name() + " schema twice (" + problem + ").");
    }

    /** Why an answer is unusable, in words safe to log (no content), or null. */
    private <T> String invalidity(ChatResult r, Class<T> type) {
        if (r.truncated()) {
            return "the answer was cut at the token limit";
        }
        T value;
        try {
            value = bind(r.text(), type);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        return violations.isEmpty() ? null : violations.stream()
                .map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted().reduce((a, b) -> a + "; " + b).orElse("");
    }

    private <T> T bind(String text, Class<T> type) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the answer is empty");
        }
        try {
            T value = json.readValue(text, type);
            if (value == null) {
                throw new IllegalArgumentException("the answer is null");
            }
            return value;
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            // the path only: Jackson's message quotes what the model wrote, which may be the customer's words
            String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((x, y) -> x + "." + y).orElse("the answer");
            throw new IllegalArgumentException(path + " has the wrong type");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the answer is not JSON");
        }
    }

    private ChatResult chat(Tenant tenant, UseCase useCase, String system, List<ChatCall.Turn> turns,
                            ChatCall.StructuredOutput output) {
        AiProperties.ModelSettings s = properties.settings(useCase);
        Function<String, ChatCall> call = provider -> new ChatCall(system, turns, output,
                provider.equals("anthropic") ? s.anthropicModel() : s.openaiModel(), s.temperature(), s.maxTokens(),
                s.timeout());
        ChatResult r = models.chat(tenant.id(), useCase, call);
        charge(tenant, r.provider(), useCase.key(), r.usage());
        return r;
    }

    private void charge(Tenant tenant, String provider, String use, TokenUsage usage) {
        if (usage == null || usage.total() == 0) {
            return;
        }
        quotas.record(tenant, QUOTA, usage.total());
        meters.counter("pasarela.ai.tokens", "tenant", tenant.id(), "provider", provider, "use_case", use,
                "direction", "input").increment(usage.input());
        meters.counter("pasarela.ai.tokens", "tenant", tenant.id(), "provider", provider, "use_case", use,
                "direction", "output").increment(usage.output());
    }

    /**
     * The nearest-label method on the in-process model, on the AI pool (it is CPU work): 50 % right on
     * our Spanish set against an LLM's far better, so it is the fallback, never the first choice
     * (docs/integrations/ai-classification.md).
     */
    private LeadClassification byEmbeddings(String text) {
        return models.onPool(() -> nearestLabel.classify(localEmbeddings, null, text));
    }

    /**
     * The newest turns that fit the input limit: older context is left out rather than the call
     * refused; only a customer's last message longer than the limit is a 413.
     */
    private List<ChatCall.Turn> fit(List<ChatCall.Turn> turns) {
        if (turns.isEmpty() || turns.stream().noneMatch(t -> t.role() == ChatCall.Role.USER)) {
            throw new ProblemException(400, "invalid-request", "Invalid request",
                    "The conversation needs at least one message from the customer.");
        }
        requireSize(lastCustomerText(turns));
        List<ChatCall.Turn> kept = new ArrayList<>();
        int budget = properties.maxInputChars();
        for (int i = turns.size() - 1; i >= 0; i--) {
            String text = turns.get(i).text() == null ? "" : turns.get(i).text();
            if (text.length() > budget) {
                break;
            }
            budget -= text.length();
            kept.add(0, turns.get(i));
        }
        return kept;
    }

    private void requireSize(String text) {
        if (text == null || text.isBlank()) {
            throw new ProblemException(400, "invalid-request", "Invalid request", "text must not be blank.");
        }
        if (text.length() > properties.maxInputChars()) {
            throw tooLarge(text.length());
        }
    }

    private static ProblemException refused() {
        return new ProblemException(422, "ai-refused", "The model declined",
                "The model declined to answer this content; review the text (or the vehicle's data and notes).");
    }

    private ProblemException tooLarge(int chars) {
        return new ProblemException(413, "input-too-large", "Input too large",
                "The text has " + chars + " characters; at most " + properties.maxInputChars() + " are accepted.");
    }

    private static String lastCustomerText(List<ChatCall.Turn> turns) {
        for (int i = turns.size() - 1; i >= 0; i--) {
            if (turns.get(i).role() == ChatCall.Role.USER) {
                return turns.get(i).text();
            }
        }
        throw new IllegalStateException("no customer message"); // requireSize checked there is one
    }

    /**
     * Turns as Anthropic accepts them (and OpenAI reads just as well): starting with the customer,
     * alternating, consecutive messages of one side joined.
     */
    static List<ChatCall.Turn> alternating(List<ChatCall.Turn> turns) {
        List<ChatCall.Turn> out = new ArrayList<>();
        for (ChatCall.Turn t : turns) {
            if (t.text() == null || t.text().isBlank() || out.isEmpty() && t.role() != ChatCall.Role.USER) {
                continue;
            }
            if (!out.isEmpty() && out.get(out.size() - 1).role() == t.role()) {
                ChatCall.Turn prev = out.remove(out.size() - 1);
                out.add(new ChatCall.Turn(t.role(), prev.text() + "\n" + t.text()));
            } else {
                out.add(t);
            }
        }
        while (!out.isEmpty() && out.get(out.size() - 1).role() != ChatCall.Role.USER) {
            out.remove(out.size() - 1); // the customer's message is the one answered, never a prefill of ours
        }
        return out;
    }

    private static String reasonOrDefault(String reason) {
        return reason == null || reason.isBlank() ? "model-handoff" : reason;
    }
}

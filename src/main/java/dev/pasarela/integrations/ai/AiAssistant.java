package dev.pasarela.integrations.ai;

import java.util.List;

/**
 * The AI use cases for a tenant, whichever provider answers: each call checks the tenant's plan and
 * {@code ai-tokens} quota first, charges the tokens the provider reports, retries and fails over
 * between providers, and throws {@link dev.pasarela.api.ProblemException} when it cannot answer
 * (403 plan, 429 quota or provider rate limit, 502 provider error or invalid answer, 503 unavailable
 * or not configured).
 */
public interface AiAssistant {

    /** A vehicle listing description or a social post from structured vehicle data. */
    Generated generate(String tenantId, GenerateRequest request);

    /**
     * @param truncated the model reached the use case's token limit: the text may end mid-sentence
     */
    record Generated(String text, boolean truncated, String model) {
    }

    /**
     * The intent of a conversation (oldest turn first; the customer's last message decides): by a
     * chat model when the tenant has a key, else by the in-process nearest-label method. Older turns
     * beyond the input limit are left out.
     */
    LeadClassification classifyLead(String tenantId, List<ChatCall.Turn> conversation);

    /** The nearest-label method on the in-process model, whatever keys there are: the fallback while no provider answers. */
    LeadClassification classifyLeadLocally(String tenantId, List<ChatCall.Turn> conversation);

    SentimentResult sentiment(String tenantId, String text);

    Moderation moderate(String tenantId, String text);

    Embeddings embed(String tenantId, List<String> texts);

    /** An automatic reply to the customer's last message, from the tenant's context. */
    ReplyDraft reply(String tenantId, TenantContext context, List<ChatCall.Turn> conversation);
}

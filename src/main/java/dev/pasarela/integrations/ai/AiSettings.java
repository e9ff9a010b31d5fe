package dev.pasarela.integrations.ai;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;

/**
 * A tenant's AI settings, stored at {@code tenants/{t}/ai/settings} and edited with
 * {@code PUT /api/v1/ai/settings}: what the model may say about the dealership (its
 * {@link TenantContext}) and when it answers customers by itself. Sizes are bounded because every
 * field goes into each reply's prompt, paid in tokens.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AiSettings(
        @NotBlank(message = "businessName is required: the dealership's name as customers know it.")
        @Size(max = 120, message = "businessName is at most 120 characters.")
        String businessName,
        @Size(max = 500, message = "openingHours is at most 500 characters.")
        String openingHours,
        @Size(max = 300, message = "address is at most 300 characters.")
        String address,
        @Size(max = 30, message = "faq holds at most 30 questions.")
        List<@NotNull(message = "faq entries must not be null.") @Valid Faq> faq,
        @Size(max = 4000, message = "inventorySummary is at most 4000 characters.")
        String inventorySummary,
        @NotNull(message = "autoReplies is required.") @Valid AutoReplies autoReplies) {

    /** The channels automatic replies can answer on: the conversations Meta opens a window for. */
    public static final List<String> CHANNELS = List.of("whatsapp", "messenger", "instagram");

    public AiSettings {
        faq = faq == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(faq)); // nulls kept for @Valid to name
        autoReplies = autoReplies == null ? AutoReplies.off() : autoReplies;
    }

    /** What the model is told about the tenant. */
    public TenantContext context() {
        return new TenantContext(businessName, openingHours, address,
                faq.stream().map(f -> new TenantContext.Faq(f.question(), f.answer())).toList(), inventorySummary);
    }

    public record Faq(
            @NotBlank(message = "faq[].question is required.")
            @Size(max = 300, message = "faq[].question is at most 300 characters.") String question,
            @NotBlank(message = "faq[].answer is required.")
            @Size(max = 1000, message = "faq[].answer is at most 1000 characters.") String answer) {}

    /**
     * When the model answers customers by itself.
     *
     * @param channels                  where it answers: whatsapp, messenger, instagram (none: analysis only)
     * @param maxPerConversationPerHour automatic replies a conversation gets in any hour (default 3)
     * @param humanPause                how long automatic replies keep quiet after an agent wrote or a
     *                                  handoff (default 30 minutes)
     * @param minConfidence             a classification less sure than this goes to a person (default 0.6)
     * @param analyzeInbound            classify every inbound message and post it to the callback (default true)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AutoReplies(
            @Size(max = 3, message = "autoReplies.channels holds at most the 3 channels: whatsapp, messenger, instagram.")
            List<@NotNull(message = "must be one of whatsapp, messenger, instagram")
                 @Pattern(regexp = "whatsapp|messenger|instagram",
                         message = "must be one of whatsapp, messenger, instagram") String> channels,
            @Min(value = 1, message = "autoReplies.maxPerConversationPerHour is between 1 and 20.")
            @Max(value = 20, message = "autoReplies.maxPerConversationPerHour is between 1 and 20.")
            Integer maxPerConversationPerHour,
            Duration humanPause,
            @DecimalMin(value = "0.0", message = "autoReplies.minConfidence is between 0 and 1.")
            @DecimalMax(value = "1.0", message = "autoReplies.minConfidence is between 0 and 1.")
            Double minConfidence,
            Boolean analyzeInbound) {

        public static final int DEFAULT_MAX_PER_HOUR = 3;
        public static final Duration DEFAULT_HUMAN_PAUSE = Duration.ofMinutes(30);
        public static final double DEFAULT_MIN_CONFIDENCE = 0.6;

        public AutoReplies {
            channels = channels == null ? List.of() : channels.stream().distinct().toList();
            maxPerConversationPerHour = maxPerConversationPerHour == null ? DEFAULT_MAX_PER_HOUR : maxPerConversationPerHour;
            humanPause = humanPause == null ? DEFAULT_HUMAN_PAUSE : humanPause;
            minConfidence = minConfidence == null ? DEFAULT_MIN_CONFIDENCE : minConfidence;
            analyzeInbound = analyzeInbound == null || analyzeInbound;
        }

        static AutoReplies off() {
            return new AutoReplies(List.of(), null, null, null, null);
        }

        public boolean on(String channel) {
            return channels.contains(channel);
        }

        /** A pause of a minute to a day: shorter would talk over the agent, longer is switching replies off. */
        @JsonIgnore
        @AssertTrue(message = "autoReplies.humanPause is an ISO-8601 duration from PT1M to P1D, such as PT30M.")
        public boolean isHumanPauseInRange() {
            return humanPause.compareTo(Duration.ofMinutes(1)) >= 0 && humanPause.compareTo(Duration.ofDays(1)) <= 0;
        }
    }
}

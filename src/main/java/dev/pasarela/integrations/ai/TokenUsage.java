package dev.pasarela.integrations.ai;

/** Tokens a provider reports for one call: what the tenant's {@code ai-tokens} quota is charged. */
public record TokenUsage(long input, long output) {

    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public long total() {
        return input + output;
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(input + other.input, output + other.output);
    }
}

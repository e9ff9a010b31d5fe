package dev.pasarela.integrations.ai;

/**
 * A chat model provider (OpenAI's chat completions, Anthropic's Messages API) behind one port.
 * Implementations make exactly one HTTP call per {@link #chat} (no retries of their own: the
 * gateway's honour the provider's reset headers) and translate every failure to
 * {@link AiProviderException}.
 */
public interface ChatProvider {

    /** {@code openai} or {@code anthropic}: the vault provider its key is stored under. */
    String name();

    ChatResult chat(String apiKey, ChatCall call);
}

package dev.pasarela.pipeline.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A tenant's messaging settings. {@code stopWords}: what a contact writes (the whole message,
 * any case) to stop receiving messages on that channel; unset means the gateway's default
 * ({@code pasarela.messaging.stop-words}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Messaging(List<String> stopWords) {}

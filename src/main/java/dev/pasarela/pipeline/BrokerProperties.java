package dev.pasarela.pipeline;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded broker's journal: a webhook's 2xx waits for its journal sync, so the buffer is
 * flushed sooner than Artemis's NIO default (3.3 ms); syncs are still batched across sends.
 */
@ConfigurationProperties("pasarela.broker")
public record BrokerProperties(@DefaultValue("500000") @Positive int journalBufferTimeoutNs) {}

package dev.pasarela.pipeline;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The embedded broker.
 *
 * @param journalBufferTimeoutNs a webhook's 2xx waits for its journal sync, so the buffer is flushed
 *        sooner than Artemis's NIO default (3.3 ms); syncs are still batched across sends
 * @param globalMaxSize how much of the heap the queued messages may take before the broker pages
 *        further ones to disk (still synced before their 2xx). Artemis's own default is half the heap,
 *        which the gateway shares with Tomcat, Camel and the store: while a provider is down and its
 *        queue grows, the messages would fill that half and the collector would work on them
 */
@ConfigurationProperties("pasarela.broker")
public record BrokerProperties(@DefaultValue("500000") @Positive int journalBufferTimeoutNs,
                               @DefaultValue("128MB") DataSize globalMaxSize) {}

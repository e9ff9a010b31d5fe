package dev.pasarela.messaging;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param stopWords what a contact writes (the whole message, any case) to stop receiving messages on
 *                  that channel; a tenant's {@code messaging.stopWords} replace them
 * @param serviceWindow free-form messages reach a contact only this long after their last message
 *                      (WhatsApp's customer-service window, Messenger's standard messaging window)
 */
@Validated
@ConfigurationProperties("pasarela.messaging")
public record MessagingProperties(@DefaultValue("PT24H") @NotNull Duration serviceWindow,
                                  @DefaultValue({"BAJA", "STOP", "STOPALL", "ALTO", "UNSUBSCRIBE"}) @NotNull List<String> stopWords) {}

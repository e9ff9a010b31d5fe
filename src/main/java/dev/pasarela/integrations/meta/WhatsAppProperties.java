package dev.pasarela.integrations.meta;

import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * WhatsApp Business: Meta's throughput per business phone number ({@code WHATSAPP_MESSAGES_PER_SECOND};
 * 80 by default, 1000 after an upgrade, 20 for coexistence numbers), to which sends are shaped, and how
 * long templates synced from the WhatsApp Business Account are trusted (Meta allows 200 management
 * calls per hour per account).
 */
@ConfigurationProperties("pasarela.whatsapp")
public record WhatsAppProperties(@DefaultValue("80") @Positive int messagesPerSecond,
                                 @DefaultValue("PT15M") Duration templatesCacheTtl) {}

package dev.pasarela.notifications;

import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** @param channelPolicy the channels a notification tries, in order, unless the request or the tenant says otherwise */
@Validated
@ConfigurationProperties("pasarela.notifications")
public record NotificationsProperties(@DefaultValue({"whatsapp", "sms", "email"}) @NotEmpty List<String> channelPolicy) {}

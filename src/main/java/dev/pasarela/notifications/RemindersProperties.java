package dev.pasarela.notifications;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** @param maxLateness a reminder whose time passed while no gateway ran is sent at start only this late; else "missed" */
@Validated
@ConfigurationProperties("pasarela.reminders")
public record RemindersProperties(@DefaultValue("PT1H") @NotNull Duration maxLateness) {}

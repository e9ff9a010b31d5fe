package dev.pasarela.api;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The internal and operator API: the largest request body buffered (413 above it). */
@ConfigurationProperties("pasarela.api")
public record ApiProperties(@DefaultValue("1048576") @Positive long maxBodyBytes) {}

package dev.pasarela.integrations.email;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Sending email: {@code pasarela.email.*} and the two providers' API bases
 * ({@code pasarela.sendgrid.api-base}, {@code pasarela.resend.api-base}), bound from the root so the
 * documented names stay as they are. The webhooks' keys are read where signatures are checked.
 */
@Validated
@ConfigurationProperties("pasarela")
public record EmailProperties(@Valid @NotNull @DefaultValue Email email,
                              @Valid @NotNull @DefaultValue SendGrid sendgrid,
                              @Valid @NotNull @DefaultValue Resend resend) {

    /**
     * @param primary        {@code PASARELA_EMAIL_PRIMARY}: tried first when a tenant has both
     * @param from           {@code EMAIL_FROM}: the sender when the tenant's vault entry has none
     * @param timeout        how long one provider answer may take; slower fails over
     * @param connectTimeout how long connecting to a provider may take
     * @param breaker        the per-account circuit breaker
     */
    public record Email(
            @NotNull @Pattern(regexp = "(?i)sendgrid|resend", message = "must be sendgrid or resend (PASARELA_EMAIL_PRIMARY)")
            @DefaultValue("sendgrid") String primary,
            @DefaultValue("") String from,
            @NotNull @DefaultValue("PT10S") Duration timeout,
            @NotNull @DefaultValue("PT5S") Duration connectTimeout,
            @Valid @NotNull @DefaultValue Breaker breaker) {
    }

    /** @param openFor how long a provider failing half of its last 10 calls is skipped */
    public record Breaker(@NotNull @DefaultValue("PT30S") Duration openFor) {
    }

    /** @param apiBase {@code SENDGRID_API_BASE}; tests point it at a stand-in */
    public record SendGrid(@NotBlank @DefaultValue("https://api.sendgrid.com") String apiBase) {
    }

    /** @param apiBase {@code RESEND_API_BASE}; tests point it at a stand-in */
    public record Resend(@NotBlank @DefaultValue("https://api.resend.com") String apiBase) {
    }
}

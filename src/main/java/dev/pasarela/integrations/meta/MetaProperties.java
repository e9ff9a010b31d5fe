package dev.pasarela.integrations.meta;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Graph API client's settings ({@code pasarela.meta.*}; the webhook's secret and verify token
 * are read where they are checked). The version is pinned: Meta changes answers between versions.
 *
 * @param graphBaseUrl        {@code META_GRAPH_BASE_URL}; tests point it at a stand-in
 * @param graphVersion        {@code META_GRAPH_VERSION}, e.g. v25.0
 * @param graphTimeout        how long one Graph answer may take
 * @param graphConnectTimeout how long connecting to the Graph may take
 * @param usageSlowdownFrom   the usage percentage (Meta's rate-limit headers) from which calls to that
 *                            object, or to any object once the app's usage is there, are slowed down
 * @param usageMaxDelay       the pause before a call at 100 % usage (none at {@code usageSlowdownFrom})
 * @param usageTrackedKeys    how many objects' usage is kept (and exported as gauges) at most
 */
@Validated
@ConfigurationProperties("pasarela.meta")
public record MetaProperties(
        @NotBlank @DefaultValue("https://graph.facebook.com") String graphBaseUrl,
        @NotNull @Pattern(regexp = "v\\d+\\.\\d+", message = "must look like v25.0 (META_GRAPH_VERSION)")
        @DefaultValue("v25.0") String graphVersion,
        @NotNull @DefaultValue("PT10S") Duration graphTimeout,
        @NotNull @DefaultValue("PT5S") Duration graphConnectTimeout,
        @Min(1) @Max(100) @DefaultValue("80") int usageSlowdownFrom,
        @NotNull @DefaultValue("PT2S") Duration usageMaxDelay,
        @Min(1) @Max(10_000) @DefaultValue("500") int usageTrackedKeys) {

    @ConstructorBinding
    public MetaProperties {
    }

    /** The Graph client's own settings, with the usage shaping at its defaults. */
    public MetaProperties(String graphBaseUrl, String graphVersion, Duration graphTimeout, Duration graphConnectTimeout) {
        this(graphBaseUrl, graphVersion, graphTimeout, graphConnectTimeout, 80, Duration.ofSeconds(2), 500);
    }
}

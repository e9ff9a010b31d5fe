package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.config.SelfChecking;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code pasarela.publishing.*}: Facebook and Instagram post jobs.
 *
 * @param mediaUrlValidity      how long the signed photo URLs handed to Meta work: Meta fetches them
 *                              when a photo or container is made, so minutes are enough
 * @param pollInitial           first wait for an Instagram container still {@code IN_PROGRESS}; doubles each poll
 * @param pollMax               the longest wait between two polls
 * @param containerTimeout      how long a container may stay {@code IN_PROGRESS} before the post fails
 * @param retryInitial          first wait after a transient Graph failure (5xx, throttling without a time); doubles
 * @param retryMax              the longest such wait, and the longest advertised wait honoured as is
 * @param maxAttempts           transient failures before the post fails and its job is dead-lettered
 * @param concurrency           consumers of each network's job queue
 * @param parallelCalls         a post's per-photo Graph calls made at once
 */
@Validated
@ConfigurationProperties("pasarela.publishing")
public record PublishingProperties(
        @NotNull @DefaultValue("PT1H") Duration mediaUrlValidity,
        @NotNull @DefaultValue("PT1S") Duration pollInitial,
        @NotNull @DefaultValue("PT1M") Duration pollMax,
        @NotNull @DefaultValue("PT10M") Duration containerTimeout,
        @NotNull @DefaultValue("PT5S") Duration retryInitial,
        @NotNull @DefaultValue("PT30M") Duration retryMax,
        @Min(1) @Max(100) @DefaultValue("8") int maxAttempts,
        @Min(1) @Max(32) @DefaultValue("2") int concurrency,
        @Min(1) @Max(10) @DefaultValue("4") int parallelCalls) implements SelfChecking {

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (var d : List.of(mediaUrlValidity, pollInitial, pollMax, containerTimeout, retryInitial, retryMax)) {
            if (d != null && (d.isNegative() || d.isZero())) {
                problems.add("pasarela.publishing durations must be positive");
                break;
            }
        }
        if (mediaUrlValidity != null && mediaUrlValidity.compareTo(Duration.ofDays(7)) > 0) {
            problems.add("pasarela.publishing.media-url-validity must be at most 7 days (a V4 signed URL's limit)");
        }
        return problems;
    }
}

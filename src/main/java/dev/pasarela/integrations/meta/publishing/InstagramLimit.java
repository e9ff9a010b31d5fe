package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.api.ProblemException;
import dev.pasarela.integrations.meta.MetaAccounts.Account;
import dev.pasarela.integrations.meta.publishing.PublishingGraph.PublishingLimit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Instagram's publishing limit per account over a rolling window (100 posts in 24 h today; it was
 * 25 and 50 before, so it is read, never assumed: {@code content_publishing_limit}). When it is
 * reached, the room frees when the oldest post of the window leaves it: our own published posts
 * say when that is; posts made outside the gateway are not known, so then the whole window is
 * the honest answer.
 */
@Component
class InstagramLimit {

    private final PublishingGraph graph;
    private final Publications publications;
    private final Clock clock;

    InstagramLimit(PublishingGraph graph, Publications publications, Clock clock) {
        this.graph = graph;
        this.publications = publications;
        this.clock = clock;
    }

    /** Empty while the account can publish; else when it can again. */
    Optional<Instant> fullUntil(String tenantId, Account ig) {
        PublishingLimit limit = graph.publishingLimit(ig);
        if (!limit.reached()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant windowStart = now.minus(limit.window());
        Instant oldest = publications.list(tenantId, Publication.Network.INSTAGRAM, 200).stream()
                .filter(p -> p.publishedAt() != null && p.publishedAt().isAfter(windowStart))
                .map(Publication::publishedAt).min(Instant::compareTo).orElse(now);
        return Optional.of(oldest.plus(limit.window()));
    }

    /** The same, as the 429 a caller gets before anything is queued. */
    void check(String tenantId, Account ig) {
        fullUntil(tenantId, ig).ifPresent(until -> {
            long seconds = Math.max(1, Duration.between(clock.instant(), until).toSeconds());
            throw new ProblemException(429, "publishing-limit-reached", "Instagram publishing limit reached",
                    "This Instagram account has published as many posts as Instagram allows in its rolling window; "
                            + "it can publish again at " + until + ".").retryAfter(seconds);
        });
    }
}

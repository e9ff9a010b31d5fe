package dev.pasarela.integrations.meta.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.api.ProblemException;
import dev.pasarela.integrations.meta.GraphException;
import dev.pasarela.integrations.meta.MetaWebhookProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Meta's refusals as our callers see them: a problem with Meta's code, never Meta's message. */
class FacebookGraphTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    static final FacebookPagesProperties PROPERTIES = new FacebookPagesProperties(Duration.ofHours(24),
            Duration.ofMinutes(5), Duration.ofDays(7), 10);

    @Test
    void withoutAppIdOrSecretConnectingIsA503MetaAppNotConfigured() {
        for (MetaWebhookProperties app : new MetaWebhookProperties[] {new MetaWebhookProperties("secret", "v", ""),
                new MetaWebhookProperties("", "v", "1234567890")}) {
            FacebookGraph graph = new FacebookGraph(null, app, PROPERTIES, CLOCK); // never reaches the Graph
            assertThat(graph.appConfigured()).isFalse();
            assertThatThrownBy(() -> graph.exchange("EAAshort"))
                    .isInstanceOfSatisfying(ProblemException.class, p -> {
                        assertThat(p.status()).isEqualTo(503);
                        assertThat(p.type()).isEqualTo("meta-app-not-configured");
                    });
            assertThatThrownBy(() -> graph.debug("EAAtoken")).isInstanceOf(ProblemException.class);
        }
        assertThat(new MetaWebhookProperties("s3cr3t", "v3rify", "123").toString()).doesNotContain("s3cr3t", "v3rify");
    }

    @Test
    void metaErrorsBecomeProblemsWithoutMetasMessage() {
        String malformed = "Malformed access token EAAsecretTokenValue";
        assertThat(FacebookGraph.translate(new GraphException(400, 190, 463, malformed, null, "x")))
                .isInstanceOfSatisfying(FacebookGraph.TokenRefused.class, t -> assertThat(t.code()).isEqualTo(190));
        assertThat(FacebookGraph.translate(new GraphException(400, 467, 0, malformed, null, "x")))
                .isInstanceOf(FacebookGraph.TokenRefused.class);
        assertProblem(new GraphException(400, 32, 0, malformed, null, "x"), 429, "meta-rate-limited");
        assertProblem(new GraphException(403, 200, 0, malformed, null, "x"), 422, "facebook-permission-missing");
        assertProblem(new GraphException(400, 10, 0, malformed, null, "x"), 422, "facebook-permission-missing");
        assertProblem(new GraphException(500, 2, 0, malformed, null, "x"), 503, "meta-unavailable");
        assertProblem(new GraphException(400, 100, 0, malformed, null, "x"), 502, "meta-refused");
    }

    static void assertProblem(GraphException e, int status, String type) {
        assertThat(FacebookGraph.translate(e)).isInstanceOfSatisfying(ProblemException.class, p -> {
            assertThat(p.status()).isEqualTo(status);
            assertThat(p.type()).isEqualTo(type);
            assertThat(p.detail()).contains(String.valueOf(e.code())).doesNotContain("EAAsecretTokenValue");
        });
    }
}

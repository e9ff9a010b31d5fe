package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.messaging.RejectedByProviderException;
import dev.pasarela.pipeline.errors.TransientException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Meta's error-code table (providers.md §2.6) as delivery decisions. */
class GraphExceptionTest {

    @ParameterizedTest(name = "code {1}/{2} (HTTP {0}) → {3}")
    @CsvSource({
            // retried with backoff: rate limits, downtime, maintenance, pair rate limit
            "400, 4, 0, TRANSIENT", "400, 80007, 0, TRANSIENT", "400, 130429, 2494055, TRANSIENT",
            "400, 131056, 0, TRANSIENT", "500, 131000, 0, TRANSIENT", "503, 131016, 0, TRANSIENT",
            "400, 131057, 0, TRANSIENT", "500, 2, 0, TRANSIENT", "502, -1, 0, TRANSIENT",
            // Meta's throttling codes (research-next.md §2.4): app, user, page, calls, Pages and Instagram BUC
            "400, 17, 0, TRANSIENT", "400, 32, 0, TRANSIENT", "400, 613, 0, TRANSIENT", "400, 80001, 0, TRANSIENT",
            "400, 80002, 0, TRANSIENT", "429, -1, 0, TRANSIENT",
            // the recipient or this message: ended, code kept, nobody to wake up
            "400, 131026, 0, RECIPIENT", "400, 131047, 0, RECIPIENT", "400, 131050, 0, RECIPIENT",
            "400, 131049, 0, RECIPIENT", "400, 130472, 0, RECIPIENT", "400, 10, 2018278, RECIPIENT",
            "400, 100, 2018001, RECIPIENT",
            // the token: stop using it
            "400, 190, 460, TOKEN", "401, 0, 0, TOKEN",
            // our side must act: permissions, account, billing, templates, bad request
            "400, 100, 0, OPERATOR", "403, 10, 0, OPERATOR", "400, 368, 0, OPERATOR", "400, 131042, 0, OPERATOR",
            "400, 132001, 0, OPERATOR", "400, 132015, 0, OPERATOR", "400, 131031, 0, OPERATOR",
            "404, -1, 0, OPERATOR"
    })
    void metasCodesAreClassifiedAsItsTableSays(int http, int code, int subcode, GraphException.Kind kind) {
        GraphException e = new GraphException(http, code, subcode, "(#" + code + ") message", "details", "trace");
        assertThat(e.kind()).isEqualTo(kind);
        RuntimeException failure = e.asDeliveryFailure();
        switch (kind) {
            case TRANSIENT -> assertThat(failure).isInstanceOf(TransientException.class);
            case RECIPIENT -> assertThat(failure).isInstanceOfSatisfying(RejectedByProviderException.class,
                    r -> assertThat(r.operatorAction()).isFalse());
            case TOKEN, OPERATOR -> assertThat(failure).isInstanceOfSatisfying(RejectedByProviderException.class, r -> {
                assertThat(r.operatorAction()).isTrue();
                assertThat(r.code()).isEqualTo(String.valueOf(code));
            });
        }
        assertThat(failure.getMessage()).contains(String.valueOf(code)).contains("details").contains("trace");
    }
}

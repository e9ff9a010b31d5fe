package dev.pasarela.pipeline.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.pipeline.Variables;
import dev.pasarela.support.MovableClock;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The failure times of a dead letter come from the injected clock: first failure before the retries, last at the end. */
class DeadLetterPreparerTest {

    final MovableClock clock = MovableClock.at(Instant.parse("2025-06-09T12:00:00Z"));
    final DeadLetterPreparer preparer = new DeadLetterPreparer(clock);

    Exchange failedIn(String routeId, Throwable cause) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.setProperty(Exchange.FAILURE_ROUTE_ID, routeId);
        e.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        return e;
    }

    @Test
    void theFirstFailureIsWhenItFirstOccurredAndTheLastIsWhenItIsDeadLettered() {
        Exchange e = failedIn("meta.in.deliver", new TransientException("Graph API unavailable"));
        preparer.recordFirstFailure(e);
        clock.set(Instant.parse("2025-06-09T12:00:05Z"));
        preparer.recordFirstFailure(e); // a retry failing again does not move the first failure
        clock.set(Instant.parse("2025-06-09T12:00:30Z"));
        preparer.process(e);

        assertThat(e.getMessage().getHeader(Variables.H_FIRST_FAILURE_AT)).isEqualTo("2025-06-09T12:00:00Z");
        assertThat(e.getMessage().getHeader(Variables.H_LAST_FAILURE_AT)).isEqualTo("2025-06-09T12:00:30Z");
        assertThat(e.getMessage().getHeader(Variables.H_FAILED_ROUTE)).isEqualTo("meta.in.deliver");
        assertThat(e.getMessage().getHeader(DeadLetterPreparer.H_DEAD_LETTER_QUEUE)).isEqualTo("dlq.meta.in.deliver");
        assertThat(e.getMessage().getHeader(Variables.H_FAILURE_CAUSE))
                .isEqualTo("dev.pasarela.pipeline.errors.TransientException: Graph API unavailable");
    }

    @Test
    void aReplayedDeadLetterKeepsItsFirstFailureTime() {
        Exchange e = failedIn("stripe.in.deliver", new PermanentException("no EventMapper for provider stripe"));
        e.getMessage().setHeader(Variables.H_FIRST_FAILURE_AT, "2025-06-01T08:00:00Z");
        preparer.recordFirstFailure(e);
        preparer.process(e);
        assertThat(e.getMessage().getHeader(Variables.H_FIRST_FAILURE_AT)).isEqualTo("2025-06-01T08:00:00Z");
        assertThat(e.getMessage().getHeader(Variables.H_LAST_FAILURE_AT)).isEqualTo("2025-06-09T12:00:00Z");
    }
}

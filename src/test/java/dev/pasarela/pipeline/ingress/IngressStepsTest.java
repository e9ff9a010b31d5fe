package dev.pasarela.pipeline.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.Variables;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The event-key backstop before the dedupe step: a 400 for one event, that event alone in a batch. */
class IngressStepsTest {

    static final String LONG_KEY = "acme:" + "k".repeat(595);

    static WebhookInterpreter interpreter(boolean batches) {
        return new WebhookInterpreter() {
            @Override
            public String provider() {
                return "acme";
            }

            @Override
            public boolean batches() {
                return batches;
            }

            @Override
            public List<InboundEvent> interpret(byte[] body) {
                return List.of(new InboundEvent("acme:evt_1", "acme.thing", true, List.of("acme:a1"), null, body),
                        new InboundEvent(LONG_KEY, "acme.thing", true, List.of("acme:a2"), null, body));
            }
        };
    }

    static Exchange request() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(Variables.PROVIDER, "acme");
        exchange.setVariable(Variables.RAW_BODY, new RawRequest("{}".getBytes(StandardCharsets.UTF_8), Map.of(), "/", "127.0.0.1"));
        return exchange;
    }

    @Test
    void aKeyOverTheLimitInABatchIsThatEventAloneDeadLettered() {
        Exchange exchange = request();
        new IngressSteps(List.of(interpreter(true)), new SimpleMeterRegistry(), Clock.systemUTC()).interpret(exchange);
        @SuppressWarnings("unchecked")
        List<InboundEvent> events = exchange.getVariable(Variables.EVENTS, List.class);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).eventKey()).isEqualTo("acme:evt_1");
        assertThat(events.get(0).unreadable()).isNull();
        assertThat(events.get(1).unreadable()).contains("600", "512").doesNotContain("kkkk");
        assertThat(events.get(1).eventKey()).startsWith("acme:unreadable:").hasSizeLessThan(WebhookIds.MAX_EVENT_KEY_LENGTH);
    }

    @Test
    void aKeyOverTheLimitOfASingleEventProviderIsA400() {
        assertThatThrownBy(() -> new IngressSteps(List.of(interpreter(false)), new SimpleMeterRegistry(), Clock.systemUTC())
                .interpret(request()))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(400);
                    assertThat(p.detail()).contains("600").doesNotContain("kkkk");
                });
    }

    /** A batch of nothing but unreadable parts, past the bound: refused whole, nothing dead-lettered part by part. */
    @Test
    void aBatchOfMoreUnreadablePartsThanTheBoundIsRefusedWhole() {
        WebhookInterpreter flood = new WebhookInterpreter() {
            @Override
            public String provider() {
                return "acme";
            }

            @Override
            public boolean batches() {
                return true;
            }

            @Override
            public List<InboundEvent> interpret(byte[] body) {
                return java.util.stream.IntStream.rangeClosed(0, IngressSteps.MAX_UNREADABLE_IN_BATCH)
                        .mapToObj(i -> new InboundEvent(LONG_KEY + i, "acme.thing", true, List.of("acme:a"), null, body))
                        .toList();
            }
        };
        Exchange exchange = request();
        assertThatThrownBy(() -> new IngressSteps(List.of(flood), new SimpleMeterRegistry(), Clock.systemUTC())
                .interpret(exchange))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400));
        assertThat(exchange.getVariable(Variables.EVENTS)).isNull();
    }
}

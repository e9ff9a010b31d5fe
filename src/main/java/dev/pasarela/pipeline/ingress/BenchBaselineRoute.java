package dev.pasarela.pipeline.ingress;

import dev.pasarela.pipeline.errors.ErrorHandling;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The benchmark's baseline (off unless {@code pasarela.bench.baseline-endpoint=true}): the same
 * servlet filter, platform-http consumer (with the webhooks' options) and raw-body capture as a webhook, and nothing else,
 * so {@code bench/} can report ingest cost as a ratio to it. It answers 200 with a fixed body.
 */
@Component
@ConditionalOnProperty(name = "pasarela.bench.baseline-endpoint", havingValue = "true")
public class BenchBaselineRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("platform-http:/webhooks/bench-noop?" + IngressSteps.WEBHOOK_ENDPOINT_OPTIONS).routeId("bench.in.noop")
                .routeConfigurationId(ErrorHandling.INGRESS)
                .bean("ingressSteps", "capture")
                // a fixed answer: acknowledge() picks the body by provider, and the baseline has none
                .removeHeaders("*")
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(200))
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setBody(constant("{\"received\":true}".getBytes(StandardCharsets.UTF_8)));
    }
}

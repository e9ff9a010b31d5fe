package dev.pasarela.integrations.meta.pages;

import dev.pasarela.pipeline.errors.ErrorHandling;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code facebook.job.check-tokens}: {@link TokenChecks#checkAll} every
 * {@code pasarela.meta.pages.token-check-interval} (a day), the first {@code token-check-delay}
 * after start. Each replica runs it; the check only reads Meta and rewrites the same documents.
 * Under the delivery configuration: a check of one token never throws, so only a store outage
 * is retried and, out of retries, leaves a dead letter on {@code dlq.facebook.job.check-tokens}.
 */
@Component
public class TokenCheckRoutes extends RouteBuilder {

    private final TokenChecks checks;
    private final FacebookPagesProperties properties;

    public TokenCheckRoutes(TokenChecks checks, FacebookPagesProperties properties) {
        this.checks = checks;
        this.properties = properties;
    }

    @Override
    public void configure() {
        from("timer:facebook-check-tokens?delay=" + properties.tokenCheckDelay().toMillis()
                + "&period=" + properties.tokenCheckInterval().toMillis())
                .routeId("facebook.job.check-tokens")
                .routeConfigurationId(ErrorHandling.DELIVERY)
                .process(e -> checks.checkAll()).id("check-tokens");
    }
}

package dev.pasarela.pipeline.templates;

import static dev.pasarela.pipeline.Variables.TENANT_ID;

import dev.pasarela.pipeline.BrokerSideEnqueue;
import dev.pasarela.pipeline.Queues;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.errors.DeadLetterListener;
import dev.pasarela.pipeline.errors.DeadLetterPreparer;
import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.errors.LongWaits;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.IngressSteps;
import dev.pasarela.pipeline.throttle.SlotShaping;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.IdempotentRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The two pipelines every inbound integration is made of, as route templates, and the shared
 * dead-letter and parking routes. An integration instantiates the templates (see
 * {@code routes/*.camel.yaml}) and supplies a verifier, an interpreter and a mapper. The outbound
 * template, behind the outbox, is messaging's ({@code dev.pasarela.messaging.OutboundRoutes}).
 *
 * <pre>
 * inbound-webhook:  receive → capture raw bytes → verify → interpret → each event in turn: resolve tenant
 *                   → dedupe → enqueue on in.&lt;provider&gt; (BrokerSideEnqueue; or park; an unreadable event of a
 *                   batch: dlq.&lt;route-id&gt;) → 200
 * inbound-delivery: in.&lt;provider&gt; → restore → shape per tenant → transform → enrich (optional,
 *                   per provider) → deliver
 *                                       ↳ slot later: back on in.&lt;provider&gt;, due then
 * </pre>
 */
@Component
public class PipelineRoutes extends RouteBuilder {

    public static final String PARK_ENDPOINT = "direct:pasarela.park";
    /** The inbound templates' parameter naming the provider (its queue, its beans). */
    static final String PROVIDER_PARAMETER = "provider";

    private final IdempotentRepository webhookIdempotentRepository;
    private final MeterRegistry meters;
    private final ObjectProvider<DeadLetterListener> deadLetterListeners;
    private final ProviderBeans providerBeans;
    private final IngressSteps ingress;
    private final BrokerSideEnqueue enqueue;

    public PipelineRoutes(@Qualifier("webhookIdempotentRepository") IdempotentRepository webhookIdempotentRepository,
                          MeterRegistry meters, ObjectProvider<DeadLetterListener> deadLetterListeners,
                          ProviderBeans providerBeans, IngressSteps ingress, BrokerSideEnqueue enqueue) {
        this.webhookIdempotentRepository = webhookIdempotentRepository;
        this.meters = meters;
        this.deadLetterListeners = deadLetterListeners;
        this.providerBeans = providerBeans;
        // the ingest steps are called directly, not through the bean component: its reflective
        // invocation and simple-language arguments were 7 % of the ingest CPU
        this.ingress = ingress;
        this.enqueue = enqueue;
    }

    @Override
    public void configure() {
        routeTemplate("inbound-webhook")
                .configure(t -> providerBeans.requireForWebhook("inbound-webhook", t.getProperty(PROVIDER_PARAMETER)))
                .templateParameter(PROVIDER_PARAMETER, null, "provider name: queue in.<provider>, beans by provider()")
                .templateParameter("path", null, "HTTP path the provider posts to")
                .from("platform-http:{{path}}?" + IngressSteps.WEBHOOK_ENDPOINT_OPTIONS)
                .routeConfigurationId(ErrorHandling.INGRESS)
                .setVariable(Variables.PROVIDER, constant("{{provider}}"))
                .process(ingress::capture).id("capture")
                .process("verifyStep").id("verify")
                .process(ingress::interpret).id("interpret")
                // each event in turn on the request's own exchange, not split into copies: a copy and a
                // unit of work per event were ~35 µs of a Stripe event's request thread (bench/RESULTS.md). A
                // failure stops the rest, as the split's stopOnException did.
                .loop(ingress.eventCount()).id("each-event")
                    .process(ingress::takeEvent).id("take-event")
                    .choice()
                        // one event of a batch the door would refuse alone: dead-lettered, the batch goes on
                        .when(e -> e.getIn().getBody(InboundEvent.class).unreadable() != null)
                            .process(ingress::prepareDeadLetter)
                            .to(ExchangePattern.InOnly, ErrorHandling.DEAD_LETTER_ENDPOINT).id("dead-letter-unreadable")
                            .process(e -> ingress.count(e, "unreadable"))
                        .when(e -> e.getIn().getBody(InboundEvent.class).processable())
                            .process("resolveTenantStep").id("resolve-tenant")
                            // not eager: the key is kept only once the event is durably queued, so a
                            // crash in between leaves the provider's retry free to enqueue it. Nothing to
                            // remove on a failure, then: Camel's removal would take the key of another
                            // delivery of the event that was queued (this one, failing, is not). Kept at
                            // the end of this block (completionEager), before the next event's turn and
                            // the 2xx, not when the request's exchange is done
                            .idempotentConsumer(variable(Variables.EVENT_KEY), webhookIdempotentRepository)
                                .eager(false).completionEager(true).skipDuplicate(false).removeOnFailure(false)
                                .id("dedupe")
                            .choice()
                                .when(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                                    .process(e -> ingress.count(e, "duplicate"))
                                .otherwise()
                                    .process(ingress::prepareEnqueue)
                                    .choice()
                                        .when(variable(TENANT_ID).isNull())
                                            .to(ExchangePattern.InOnly, PARK_ENDPOINT)
                                            .process(e -> ingress.count(e, "parked"))
                                        .otherwise()
                                            // journaled on the embedded broker's side when it can be,
                                            // else by the JMS producer (an external broker, say)
                                            .filter(e -> !enqueue.send(e, "in." + e.getVariable(Variables.PROVIDER, String.class)))
                                                .id("enqueue")
                                                .to(ExchangePattern.InOnly, "jms:queue:in.{{provider}}").id("enqueue-jms")
                                            .end()
                                            .process(e -> ingress.count(e, "accepted"))
                                    .end()
                            .end()
                        .endChoice()
                        .otherwise()
                            .process(e -> ingress.count(e, "ignored"))
                    .end()
                .end()
                .process(ingress::acknowledge);

        routeTemplate("inbound-delivery")
                .configure(t -> providerBeans.requireForDelivery("inbound-delivery", t.getProperty(PROVIDER_PARAMETER)))
                .templateParameter(PROVIDER_PARAMETER, null, "provider name: consumes in.<provider>")
                .from("jms:queue:in.{{provider}}?transacted=true&lazyCreateTransactionManager=false"
                        + "&concurrentConsumers={{pasarela.delivery.concurrency:4}}")
                .routeConfigurationId(ErrorHandling.DELIVERY)
                .autoStartup("{{pasarela.delivery.auto-startup:true}}")
                .bean("deliverySteps", "restore(${exchange}, '{{provider}}')").id("restore")
                .choice()
                    .when(variable(TENANT_ID).isNull())
                        .to(ExchangePattern.InOnly, PARK_ENDPOINT)
                    .otherwise()
                        // webhooks are never refused for rate: a tenant's burst is shaped here, per JVM;
                        // an event whose slot is later goes back on its queue, due then, so the other
                        // tenants' events are not held behind it (a throttle waited on the consumer)
                        .bean("tenantShaping", "shape").id("shape-per-tenant")
                        .filter(exchangeProperty(SlotShaping.LATER).isNotNull()).id("shaped-later")
                            .to(LongWaits.PUT_BACK).id("put-back-for-slot")
                            .stop()
                        .end()
                        .bean("deliverySteps", "transform").id("transform")
                        // the provider's EventEnricher, if any: the I/O (media URLs…) kept out of the pure mapper
                        .bean("deliverySteps", "enrich").id("enrich")
                        .bean("deliverySteps", "deliver").id("deliver")
                .end();

        from(PARK_ENDPOINT).routeId("pasarela.park")
                .routeConfigurationId(ErrorHandling.DEAD_LETTER) // a failure here must reach the caller
                .setHeader(Variables.H_PARKED_REASON, constant("unknown-tenant"))
                .setHeader(Variables.H_REPLAY_TO, simple("in.${header." + Variables.H_PROVIDER + "}"))
                .log(LoggingLevel.WARN, "Parked ${header." + Variables.H_EVENT_KEY + "} of ${header."
                        + Variables.H_PROVIDER + "}: no tenant matches its identities")
                .to(ExchangePattern.InOnly, "jms:queue:" + Queues.PARKED_UNKNOWN_TENANT).id("park");

        from(ErrorHandling.DEAD_LETTER_ENDPOINT).routeId("pasarela.dead-letter")
                .routeConfigurationId(ErrorHandling.DEAD_LETTER) // a failure here must roll back the consumer
                .process(e -> meters.counter("pasarela.dead-letters", "route",
                        e.getMessage().getHeader(Variables.H_FAILED_ROUTE, String.class), "tenant",
                        String.valueOf(e.getMessage().getHeader(Variables.H_TENANT_ID, "unknown", String.class)))
                        .increment())
                .process(e -> deadLetterListeners.orderedStream().forEach(l -> l.deadLettered(e))).id("dead-letter-listeners")
                .log(LoggingLevel.WARN, "Dead-lettered ${header." + Variables.H_EVENT_KEY + "} from ${header."
                        + Variables.H_FAILED_ROUTE + "}: ${header." + Variables.H_FAILURE_CAUSE + "}")
                .toD("jms:queue:${header." + DeadLetterPreparer.H_DEAD_LETTER_QUEUE + "}?exchangePattern=InOnly")
                .id("dead-letter");
    }
}

package dev.pasarela.pipeline.deliver;

import dev.pasarela.pipeline.Variables;
import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.WebhookIds;
import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import dev.pasarela.pipeline.tenant.TenantResolver;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.EventEnricher;
import dev.pasarela.pipeline.transform.EventMapper;
import dev.pasarela.pipeline.transform.QueuedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** The provider-agnostic steps of the inbound-delivery template: queue message → canonical events → sinks. */
@Component("deliverySteps")
public class DeliverySteps {

    static final String CANONICAL = "canonicalEvents";

    private final Map<String, EventMapper> mappers;
    private final Map<String, EventEnricher> enrichers;
    private final Map<String, WebhookInterpreter> interpreters;
    private final List<EventSink> sinks;
    private final TenantResolver resolver;
    private final MeterRegistry meters;

    public DeliverySteps(List<EventMapper> mappers, ObjectProvider<EventEnricher> enrichers,
                         List<WebhookInterpreter> interpreters, List<EventSink> sinks, TenantResolver resolver,
                         MeterRegistry meters) {
        this.mappers = mappers.stream().collect(Collectors.toMap(EventMapper::provider, Function.identity()));
        this.enrichers = enrichers.orderedStream()
                .collect(Collectors.toMap(EventEnricher::provider, Function.identity()));
        this.interpreters = interpreters.stream()
                .collect(Collectors.toMap(WebhookInterpreter::provider, Function.identity()));
        this.sinks = sinks;
        this.resolver = resolver;
        this.meters = meters;
    }

    /**
     * Queue headers → exchange variables. A message without a tenant (replayed from
     * {@code parked.unknown-tenant}) is resolved again; the variable stays unset if still unknown.
     */
    public void restore(Exchange exchange, String provider) throws InvalidPayloadException {
        Message in = exchange.getIn();
        exchange.setVariable(Variables.PROVIDER, provider);
        exchange.setVariable(Variables.EVENT_KEY, in.getHeader(Variables.H_EVENT_KEY, String.class));
        exchange.setVariable(Variables.EVENT_TYPE, in.getHeader(Variables.H_EVENT_TYPE, String.class));
        String tenant = in.getHeader(Variables.H_TENANT_ID, String.class);
        if (tenant == null) {
            byte[] payload = in.getMandatoryBody(byte[].class);
            List<InboundEvent> events;
            try {
                events = interpreters.get(provider).interpret(payload);
                for (InboundEvent e : events) {
                    if (e.unreadable() != null) { // dead-lettered by the door, replayed: it reads the same
                        throw WebhookInterpreter.invalidPayload(e.unreadable());
                    }
                    WebhookIds.checkEventKey(e.eventKey());
                }
            } catch (ProblemException refused) { // what the door would refuse can never be read here either
                throw new PermanentException("The queued " + provider + " event cannot be read: " + refused.detail());
            }
            for (InboundEvent e : events) {
                exchange.setVariable(Variables.EVENT_KEY, e.eventKey());
                exchange.setVariable(Variables.EVENT_TYPE, e.type());
                tenant = resolver.resolve(e).orElse(null);
            }
        }
        if (tenant != null) {
            exchange.setVariable(Variables.TENANT_ID, tenant);
            in.setHeader(Variables.H_TENANT_ID, tenant);
        } else {
            exchange.removeVariable(Variables.TENANT_ID);
        }
    }

    public void transform(Exchange exchange) throws InvalidPayloadException {
        String provider = exchange.getVariable(Variables.PROVIDER, String.class);
        EventMapper mapper = mappers.get(provider);
        if (mapper == null) {
            throw new PermanentException("no EventMapper for provider " + provider);
        }
        QueuedEvent queued = new QueuedEvent(provider, exchange.getVariable(Variables.TENANT_ID, String.class),
                exchange.getVariable(Variables.EVENT_KEY, String.class),
                exchange.getVariable(Variables.EVENT_TYPE, String.class),
                exchange.getIn().getMandatoryBody(byte[].class));
        exchange.setVariable(CANONICAL, map(mapper, queued));
    }

    /**
     * Mappers are pure (no I/O), so whatever they throw fails again on every retry: a value out of
     * range ({@link java.time.DateTimeException}, {@link ArithmeticException}), a number that does not
     * parse, a wrong type. Those are permanent, and the cause names the exception, never its message,
     * which may quote the payload (a phone number, a message text).
     */
    static List<CanonicalEvent> map(EventMapper mapper, QueuedEvent queued) {
        try {
            return mapper.map(queued);
        } catch (PermanentException | TransientException classified) {
            throw classified;
        } catch (RuntimeException unreadable) {
            throw new PermanentException(queued.provider() + " event " + queued.eventKey() + " (" + queued.eventType()
                    + ") cannot be mapped: " + unreadable.getClass().getSimpleName() + " reading its fields");
        }
    }

    /** The provider's {@link EventEnricher}, if it has one; a provider without one passes through. */
    @SuppressWarnings("unchecked")
    public void enrich(Exchange exchange) {
        EventEnricher enricher = enrichers.get(exchange.getVariable(Variables.PROVIDER, String.class));
        if (enricher != null) {
            List<CanonicalEvent> events = exchange.getVariable(CANONICAL, List.class);
            exchange.setVariable(CANONICAL, events.stream().map(enricher::enrich).toList());
        }
    }

    @SuppressWarnings("unchecked")
    public void deliver(Exchange exchange) {
        List<CanonicalEvent> events = exchange.getVariable(CANONICAL, List.class);
        for (CanonicalEvent event : events) {
            List<EventSink> targets = sinks.stream().filter(s -> s.accepts(event)).toList();
            if (targets.isEmpty()) {
                throw new PermanentException("no EventSink accepts " + event.getClass().getSimpleName());
            }
            targets.forEach(s -> s.deliver(event));
            meters.counter("pasarela.deliveries", "provider", event.provider(), "tenant", event.tenantId(),
                    "event", event.getClass().getSimpleName()).increment();
        }
    }
}

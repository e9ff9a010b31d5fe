package dev.pasarela.pipeline.tenant;

import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.ingress.InboundEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Sets the {@code tenantId} variable of the event in the body, or leaves it unset (unknown tenant). */
@Component("resolveTenantStep")
public class ResolveTenantStep implements Processor {

    private final TenantResolver resolver;

    public ResolveTenantStep(TenantResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void process(Exchange exchange) {
        InboundEvent event = exchange.getIn().getBody(InboundEvent.class);
        exchange.setVariable(Variables.EVENT_KEY, event.eventKey());
        exchange.setVariable(Variables.EVENT_TYPE, event.type());
        exchange.removeVariable(Variables.TENANT_ID);
        resolver.resolve(event).ifPresent(t -> exchange.setVariable(Variables.TENANT_ID, t));
    }
}

package dev.pasarela.pipeline.templates;

import dev.pasarela.pipeline.Queues;
import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.errors.LongWaits;
import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The dead-letter and parking queues this gateway's routes write to, read from Camel's model:
 * {@code dlq.<route-id>} of every route under the delivery configuration, and of every
 * inbound-webhook route whose provider posts batches (a part that cannot be read is
 * dead-lettered there alone, see {@link WebhookInterpreter#batches}); and the parking queue.
 * A single-event provider's webhook route refuses at the door instead and writes none
 * ({@code IngressSteps} dead-letters an unreadable event only for a batching provider); and
 * {@link LongWaits}' queue for a message on a waiting queue that does not say where it goes.
 */
@Component
public class DeadLetterQueues {

    private final CamelContext camel;
    private final ObjectProvider<WebhookInterpreter> interpreters;

    public DeadLetterQueues(CamelContext camel, ObjectProvider<WebhookInterpreter> interpreters) {
        this.camel = camel;
        this.interpreters = interpreters;
    }

    /** In name order. */
    public SortedSet<String> names() {
        SortedSet<String> names = new TreeSet<>();
        for (RouteDefinition r : ((ModelCamelContext) camel).getRouteDefinitions()) {
            if (ErrorHandling.DELIVERY.equals(r.getRouteConfigurationId()) || deadLettersBatchParts(r)) {
                names.add(Queues.deadLetter(r.getRouteId()));
            }
        }
        names.add(Queues.PARKED_UNKNOWN_TENANT);
        names.add(LongWaits.DEAD_LETTERS);
        return names;
    }

    private boolean deadLettersBatchParts(RouteDefinition r) {
        if (!ErrorHandling.INGRESS.equals(r.getRouteConfigurationId()) || r.getTemplateParameters() == null) {
            return false; // not made from the inbound-webhook template
        }
        Object provider = r.getTemplateParameters().get(PipelineRoutes.PROVIDER_PARAMETER);
        return provider != null && interpreters.stream()
                .anyMatch(i -> i.provider().equals(provider) && i.batches());
    }
}

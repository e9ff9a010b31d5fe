package dev.pasarela.integrations.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.PrunedJsonReader;
import dev.pasarela.pipeline.ingress.WebhookIds;
import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import dev.pasarela.pipeline.transform.EventTimes;
import dev.pasarela.tenants.TenantRepository;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/** A Stripe webhook carries one event; the tenant is its customer, or the tenant_id in its metadata. */
@Component
public class StripeWebhookInterpreter implements WebhookInterpreter {

    public static final String PROVIDER = "stripe";
    public static final Set<String> PROCESSED = Set.of(
            "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
            "invoice.payment_succeeded", "invoice.payment_failed");

    /**
     * What the door reads of an event, here and in {@link StripeJson#metadataOf}: the rest of its 4 KB
     * is checked as JSON but made no tree of (bench/RESULTS.md). The mapper reads the queued event whole;
     * StripeDoorFieldsTest holds the door's answers to those of the whole event.
     */
    static final List<String> DOOR_POINTERS = List.of("/id", "/object", "/type", "/created",
            "/data/object/id", "/data/object/object", "/data/object/customer", "/data/object/metadata",
            "/data/object/parent/subscription_details/metadata", "/data/object/subscription_details/metadata");

    private final PrunedJsonReader doorFields;

    public StripeWebhookInterpreter(ObjectMapper json) {
        this.doorFields = PrunedJsonReader.of(json, DOOR_POINTERS.toArray(String[]::new));
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public List<InboundEvent> interpret(byte[] body) {
        return interpret(doorFields.read(body), body);
    }

    /** The event read from {@code body}: the door's fields of it, or the whole of it (the same answers). */
    List<InboundEvent> interpret(JsonNode event, byte[] body) {
        if (event == null || !event.path("object").asText().equals("event")
                || !event.path("id").isTextual() || !event.path("type").isTextual()) {
            throw WebhookInterpreter.invalidPayload("Expected a Stripe event object with an id and a type.");
        }
        String id = WebhookIds.check("Stripe event id", event.path("id").asText());
        String type = event.path("type").asText();
        JsonNode object = event.path("data").path("object");
        String customer = WebhookIds.check("Stripe customer id", StripeJson.idOf(object.path("customer")));
        boolean processed = PROCESSED.contains(type);
        if (processed) {
            // what the mapper will read and store, checked while the provider can still be told
            WebhookIds.check("Stripe data.object.id", StripeJson.text(object.path("id")));
            if (StripeJson.epochSeconds(event.path("created")).isEmpty()) {
                throw WebhookInterpreter.invalidPayload("The Stripe event's created is not Unix seconds between "
                        + EventTimes.MIN + " and " + EventTimes.MAX + ".");
            }
        }
        List<String> routing = customer == null ? List.of() : List.of(TenantRepository.routingKey(PROVIDER, customer));
        return List.of(new InboundEvent(PROVIDER + ":" + id, type, processed,
                routing, StripeJson.text(StripeJson.metadataOf(object).path("tenant_id")), body));
    }

}

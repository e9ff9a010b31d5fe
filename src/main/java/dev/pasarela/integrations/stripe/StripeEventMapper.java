package dev.pasarela.integrations.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.tenants.PlanCatalog;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.EventMapper;
import dev.pasarela.pipeline.transform.PaymentRecorded;
import dev.pasarela.pipeline.transform.QueuedEvent;
import dev.pasarela.pipeline.transform.SubscriptionChanged;
import dev.pasarela.pipeline.transform.SubscriptionStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/** Stripe subscription and invoice events → {@link SubscriptionChanged} / {@link PaymentRecorded}. */
@Component
public class StripeEventMapper implements EventMapper {

    private final ObjectMapper json;
    private final PlanCatalog plans;

    public StripeEventMapper(ObjectMapper json, PlanCatalog plans) {
        this.json = json;
        this.plans = plans;
    }

    @Override
    public String provider() {
        return StripeWebhookInterpreter.PROVIDER;
    }

    @Override
    public List<CanonicalEvent> map(QueuedEvent queued) {
        JsonNode event;
        try {
            event = json.readTree(queued.payload());
        } catch (IOException e) {
            throw new PermanentException("Stripe event is not valid JSON", e);
        }
        Instant occurredAt = StripeJson.epochSeconds(event.path("created"), "Stripe event created");
        if (occurredAt == null) {
            throw new PermanentException("Stripe event " + queued.eventKey() + " has no created timestamp");
        }
        JsonNode object = event.path("data").path("object");
        String type = event.path("type").asText();
        return switch (type) {
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted" ->
                    List.of(subscription(queued, type, occurredAt, object));
            case "invoice.payment_succeeded", "invoice.payment_failed" ->
                    List.of(payment(queued, occurredAt, object, type.endsWith("succeeded")));
            default -> throw new PermanentException("Stripe event type " + type + " is not processed");
        };
    }

    private SubscriptionChanged subscription(QueuedEvent q, String type, Instant at, JsonNode sub) {
        String id = StripeJson.text(sub.path("id"));
        String statusText = StripeJson.text(sub.path("status"));
        if (id == null || statusText == null || !sub.path("object").asText().equals("subscription")) {
            throw new PermanentException("Stripe event " + q.eventKey() + " does not carry a subscription");
        }
        SubscriptionStatus status;
        try {
            status = SubscriptionStatus.valueOf(statusText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PermanentException("unknown Stripe subscription status " + statusText);
        }
        JsonNode item = sub.path("items").path("data").path(0);
        // items of API versions before prices (2020) carry only a plan, whose id works as a price id
        JsonNode price = item.has("price") ? item.path("price") : item.path("plan");
        String priceId = StripeJson.text(price.path("id"));
        String lookupKey = StripeJson.text(price.path("lookup_key"));
        String plan = plans.planForPrice(lookupKey, priceId).orElse(null);
        if (plan == null && status.entitles()) {
            throw new PermanentException("Stripe price " + priceId + (lookupKey == null ? "" : " (lookup key "
                    + lookupKey + ")") + " is not mapped to a plan in plans.yml; add it and replay");
        }
        Instant periodEnd = StripeJson.currentPeriodEnd(sub);
        JsonNode cancel = sub.path("cancel_at_period_end");
        int phase = switch (type) {
            case "customer.subscription.created" -> SubscriptionChanged.CREATED;
            case "customer.subscription.deleted" -> SubscriptionChanged.ENDED;
            default -> SubscriptionChanged.CHANGED;
        };
        return new SubscriptionChanged(q.tenantId(), q.eventKey(), provider(), at, phase,
                StripeJson.idOf(sub.path("customer")), id, status, priceId, plan,
                periodEnd,
                cancel.isBoolean() ? cancel.asBoolean() : null);
    }

    private PaymentRecorded payment(QueuedEvent q, Instant at, JsonNode invoice, boolean succeeded) {
        String id = StripeJson.text(invoice.path("id"));
        if (id == null || !invoice.path("object").asText().equals("invoice")) {
            throw new PermanentException("Stripe event " + q.eventKey() + " does not carry an invoice");
        }
        Long amount = StripeJson.number(invoice.path(succeeded ? "amount_paid" : "amount_due"));
        return new PaymentRecorded(q.tenantId(), q.eventKey(), provider(), at,
                StripeJson.idOf(invoice.path("customer")), StripeJson.subscriptionIdOf(invoice), id, succeeded,
                amount, StripeJson.text(invoice.path("currency")), StripeJson.number(invoice.path("attempt_count")));
    }
}

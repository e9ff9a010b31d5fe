package dev.pasarela.pipeline.deliver;

import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.tenant.TenantRepository;
import dev.pasarela.pipeline.tenant.TenantResolver;
import dev.pasarela.pipeline.throttle.PlanCatalog;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.PaymentRecorded;
import dev.pasarela.pipeline.transform.SubscriptionChanged;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Applies subscription and payment facts to {@code tenants/{id}} in one transaction per event:
 * a duplicate (marker {@code tenants/{id}/events/{eventKey}} present) changes nothing, and a
 * fact older than the state it would replace is recorded as stale and not applied. Subscription
 * state and payment outcome keep separate clocks, since their events are independent.
 */
@Component
public class TenantSubscriptionSink implements EventSink {

    private final DocumentStore store;
    private final PlanCatalog plans;
    private final TenantResolver resolver;

    public TenantSubscriptionSink(DocumentStore store, PlanCatalog plans, TenantResolver resolver) {
        this.store = store;
        this.plans = plans;
        this.resolver = resolver;
    }

    @Override
    public boolean accepts(CanonicalEvent event) {
        return event instanceof SubscriptionChanged || event instanceof PaymentRecorded;
    }

    @Override
    public void deliver(CanonicalEvent event) {
        String tenantPath = TenantRepository.path(event.tenantId());
        String markerPath = tenantPath + "/events/" + event.eventKey();
        String customer = event instanceof SubscriptionChanged s ? s.externalCustomerId()
                : ((PaymentRecorded) event).externalCustomerId();
        String routingKey = customer == null ? null : TenantRepository.routingKey(event.provider(), customer);
        boolean routed = store.runTransaction(tx -> {
            if (tx.get(markerPath).isPresent()) {
                return false;
            }
            Document tenant = tx.get(tenantPath).orElseThrow(() ->
                    new PermanentException("tenant " + event.tenantId() + " no longer exists"));
            Optional<Document> route = routingKey == null ? Optional.empty()
                    : tx.get(TenantRepository.routingPath(routingKey));
            boolean applied = event instanceof SubscriptionChanged s ? applySubscription(tenant, s, tx)
                    : applyPayment(tenant, (PaymentRecorded) event, tx);
            Map<String, Object> marker = new LinkedHashMap<>();
            marker.put("eventKey", event.eventKey());
            marker.put("kind", event.getClass().getSimpleName());
            marker.put("occurredAt", event.occurredAt().toString());
            marker.put("processedAt", Instant.now().toString());
            marker.put("outcome", applied ? "applied" : "stale");
            tx.set(markerPath, marker);
            // the customer id becomes a routing identity the first time an event names it
            boolean newRoute = routingKey != null && route.isEmpty();
            if (newRoute) {
                tx.set(TenantRepository.routingPath(routingKey), Map.of("tenantId", event.tenantId()));
                tx.merge(tenantPath, Map.of("identities", Map.of(event.provider(), customer)));
            }
            return newRoute;
        });
        if (routed) {
            resolver.invalidateTenant(event.tenantId());
        }
    }

    private boolean applySubscription(Document tenant, SubscriptionChanged s, dev.pasarela.store.StoreTransaction tx) {
        if (isNewer(tenant.field("subscription.asOf"), s.occurredAt())) {
            return false;
        }
        Map<String, Object> sub = new LinkedHashMap<>();
        sub.put("status", s.status().wireName());
        sub.put("provider", s.provider());
        sub.put("externalId", s.externalSubscriptionId());
        sub.put("priceId", s.priceId());
        sub.put("plan", s.plan());
        sub.put("currentPeriodEnd", s.currentPeriodEnd() == null ? null : s.currentPeriodEnd().toString());
        sub.put("cancelAtPeriodEnd", s.cancelAtPeriodEnd());
        sub.put("asOf", s.occurredAt().toString());
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("subscription", sub);
        patch.put("plan", s.status().entitles() && s.plan() != null ? s.plan() : plans.defaultPlan());
        patch.put("revision", revision(tenant) + 1);
        tx.merge(TenantRepository.path(s.tenantId()), patch);
        return true;
    }

    private boolean applyPayment(Document tenant, PaymentRecorded p, dev.pasarela.store.StoreTransaction tx) {
        if (isNewer(tenant.field("subscription.lastPayment.asOf"), p.occurredAt())) {
            return false;
        }
        Map<String, Object> payment = new LinkedHashMap<>();
        payment.put("outcome", p.succeeded() ? "succeeded" : "failed");
        payment.put("invoiceId", p.invoiceId());
        payment.put("amount", p.amount());
        payment.put("currency", p.currency());
        payment.put("attemptCount", p.attemptCount());
        payment.put("asOf", p.occurredAt().toString());
        Map<String, Object> sub = new LinkedHashMap<>();
        sub.put("lastPayment", payment);
        if (tenant.field("subscription.externalId") == null && p.externalSubscriptionId() != null) {
            sub.put("externalId", p.externalSubscriptionId());
            sub.put("provider", p.provider());
        }
        tx.merge(TenantRepository.path(p.tenantId()), Map.of("subscription", sub, "revision", revision(tenant) + 1));
        return true;
    }

    /** True when the stored state is strictly newer than the incoming fact (equal times apply). */
    private static boolean isNewer(Object storedAsOf, Instant incoming) {
        return storedAsOf != null && Instant.parse(storedAsOf.toString()).isAfter(incoming);
    }

    private static long revision(Document tenant) {
        Object r = tenant.field("revision");
        return r instanceof Number n ? n.longValue() : 0L;
    }
}

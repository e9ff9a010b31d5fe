package dev.pasarela.tenants;

import dev.pasarela.pipeline.deliver.EventSink;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.tenant.TenantRoutesChanged;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.PaymentRecorded;
import dev.pasarela.pipeline.transform.SubscriptionChanged;
import dev.pasarela.pipeline.transform.SubscriptionStatus;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Paths;
import dev.pasarela.store.StoreTransaction;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Applies subscription and payment facts to {@code tenants/{id}}, one store transaction per event.
 * <ul>
 *   <li>A duplicate (marker {@code tenants/{id}/events/{eventKey}} present) changes nothing.</li>
 *   <li>Each subscription keeps its own state under {@code subscriptions.<id>}, with its own clock:
 *       a fact older than that state ({@link SubscriptionChanged#order()}) is recorded as stale;
 *       payments keep a separate clock.</li>
 *   <li>{@code subscription} is the tenant's current one (the latest that still entitles, else the
 *       latest), and {@code plan} follows it, falling back to the default plan.</li>
 * </ul>
 */
@Component
public class TenantSubscriptionSink implements EventSink {

    private final DocumentStore store;
    private final PlanCatalog plans;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public TenantSubscriptionSink(DocumentStore store, PlanCatalog plans, ApplicationEventPublisher events,
                                  Clock clock) {
        this.store = store;
        this.plans = plans;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public boolean accepts(CanonicalEvent event) {
        return event instanceof SubscriptionChanged || event instanceof PaymentRecorded;
    }

    @Override
    public void deliver(CanonicalEvent event) {
        String tenantPath = TenantRepository.path(event.tenantId());
        // a key may hold '/' (ids are printable ASCII): one segment, not a deeper path
        String markerPath = tenantPath + "/events/" + Paths.segment(event.eventKey());
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
            String outcome = event instanceof SubscriptionChanged s ? applySubscription(tenant, s, tx)
                    : applyPayment(tenant, (PaymentRecorded) event, tx);
            Map<String, Object> marker = new LinkedHashMap<>();
            marker.put("eventKey", event.eventKey());
            marker.put("kind", event.getClass().getSimpleName());
            marker.put("occurredAt", event.occurredAt().toString());
            marker.put("processedAt", clock.instant().toString());
            marker.put("outcome", outcome);
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
            events.publishEvent(new TenantRoutesChanged(event.tenantId()));
        }
    }

    private String applySubscription(Document tenant, SubscriptionChanged s, StoreTransaction tx) {
        Map<String, Map<String, Object>> subs = subscriptions(tenant);
        Map<String, Object> current = subs.getOrDefault(s.externalSubscriptionId(), Map.of());
        if (current.get("order") instanceof Number stored && stored.longValue() > s.order()) {
            return "stale";
        }
        Map<String, Object> sub = new LinkedHashMap<>(current);
        sub.put("externalId", s.externalSubscriptionId());
        sub.put("provider", s.provider());
        sub.put("status", s.status().wireName());
        sub.put("priceId", s.priceId());
        sub.put("plan", s.plan());
        sub.put("currentPeriodEnd", s.currentPeriodEnd() == null ? null : s.currentPeriodEnd().toString());
        sub.put("cancelAtPeriodEnd", s.cancelAtPeriodEnd());
        sub.put("asOf", s.occurredAt().toString());
        sub.put("order", s.order());
        // when it fell past due, so the plan's grace period counts from there
        boolean stillPastDue = "past_due".equals(current.get("status")) && current.get("pastDueSince") != null;
        sub.put("pastDueSince", s.status() != SubscriptionStatus.PAST_DUE ? null
                : stillPastDue ? current.get("pastDueSince") : s.occurredAt().toString());
        subs.put(s.externalSubscriptionId(), sub);
        write(tenant, s.externalSubscriptionId(), sub, subs, tx);
        return "applied";
    }

    private String applyPayment(Document tenant, PaymentRecorded p, StoreTransaction tx) {
        if (p.externalSubscriptionId() == null) {
            return "not-a-subscription-payment";
        }
        Map<String, Map<String, Object>> subs = subscriptions(tenant);
        Map<String, Object> sub = new LinkedHashMap<>(subs.getOrDefault(p.externalSubscriptionId(), Map.of()));
        if (sub.get("lastPayment") instanceof Map<?, ?> last && last.get("asOf") != null
                && Instant.parse(last.get("asOf").toString()).isAfter(p.occurredAt())) {
            return "stale";
        }
        Map<String, Object> payment = new LinkedHashMap<>();
        payment.put("outcome", p.succeeded() ? "succeeded" : "failed");
        payment.put("invoiceId", p.invoiceId());
        payment.put("amount", p.amount());
        payment.put("currency", p.currency());
        payment.put("attemptCount", p.attemptCount());
        payment.put("asOf", p.occurredAt().toString());
        sub.put("externalId", p.externalSubscriptionId());
        sub.put("provider", p.provider());
        sub.put("lastPayment", payment);
        subs.put(p.externalSubscriptionId(), sub);
        write(tenant, p.externalSubscriptionId(), sub, subs, tx);
        return "applied";
    }

    /** Writes one subscription and recomputes the tenant's current subscription and plan. */
    private void write(Document tenant, String id, Map<String, Object> sub, Map<String, Map<String, Object>> all,
                       StoreTransaction tx) {
        Map<String, Object> chosen = all.values().stream()
                .max(Comparator.<Map<String, Object>>comparingInt(x -> entitles(x) ? 1 : 0)
                        .thenComparingLong(x -> x.get("order") instanceof Number n ? n.longValue() : -1))
                .orElse(sub);
        Map<String, Object> summary = new LinkedHashMap<>();
        for (String field : new String[] {"externalId", "provider", "status", "priceId", "plan", "currentPeriodEnd",
                "cancelAtPeriodEnd", "asOf", "pastDueSince", "lastPayment"}) {
            summary.put(field, chosen.get(field)); // every field, nulls included, so a merge replaces them all
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("subscriptions", Map.of(id, sub));
        patch.put("subscription", summary);
        patch.put("plan", entitles(chosen) && chosen.get("plan") != null ? chosen.get("plan") : plans.defaultPlan());
        patch.put("revision", (tenant.field("revision") instanceof Number n ? n.longValue() : 0L) + 1);
        tx.merge(tenant.path(), patch);
    }

    private static boolean entitles(Map<String, Object> sub) {
        Object status = sub.get("status");
        if (status == null) {
            return false;
        }
        return SubscriptionStatus.valueOf(status.toString().toUpperCase(java.util.Locale.ROOT)).entitles();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> subscriptions(Document tenant) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (tenant.field("subscriptions") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), new LinkedHashMap<>((Map<String, Object>) v)));
        }
        return out;
    }
}

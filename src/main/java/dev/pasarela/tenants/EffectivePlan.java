package dev.pasarela.tenants;

import java.time.Clock;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The plan whose limits apply to a tenant now: the plan its subscription pays for (the
 * subscription sink already falls back to the default plan for canceled, unpaid and other
 * non-paying states), except that a subscription past due for longer than the grace period
 * gets the default plan's limits.
 */
@Component
public class EffectivePlan {

    private final PlanCatalog catalog;
    private final Clock clock;

    @Autowired
    public EffectivePlan(PlanCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    private static Instant pastDueSince(Tenant.Subscription s) {
        try {
            return s.pastDueSince() == null ? null : Instant.parse(s.pastDueSince());
        } catch (java.time.format.DateTimeParseException e) {
            return null; // unreadable: the grace period is not taken away on a guess
        }
    }

    public PlanCatalog.Plan of(Tenant tenant) {
        Tenant.Subscription s = tenant.subscription();
        if (s != null && "past_due".equals(s.status()) && pastDueSince(s) != null
                && pastDueSince(s).plus(catalog.pastDueGrace()).isBefore(clock.instant())) {
            return catalog.plan(catalog.defaultPlan());
        }
        return catalog.plan(tenant.plan() == null ? catalog.defaultPlan() : tenant.plan());
    }
}

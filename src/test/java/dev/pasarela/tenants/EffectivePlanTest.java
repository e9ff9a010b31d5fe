package dev.pasarela.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.DefaultResourceLoader;

class EffectivePlanTest {

    final PlanCatalog catalog = new PlanCatalog(new DefaultResourceLoader(), "file:config/plans.yml");
    final Instant now = Instant.parse("2026-11-28T12:00:00Z");
    final EffectivePlan plans = new EffectivePlan(catalog, Clock.fixed(now, ZoneOffset.UTC));

    Tenant tenant(String plan, String status, String pastDueSince) {
        Tenant.Subscription s = status == null ? null : new Tenant.Subscription(status, "stripe", "sub_1", "price_1",
                plan, null, false, now.toString(), 0L, pastDueSince, null);
        return new Tenant("t", "T", plan, "UTC", Map.of(), s, Map.of(), 1L, null, null);
    }

    @Test
    void payingTenantsGetTheirPlanAndPastDueOnesKeepItForTheGracePeriod() {
        assertThat(plans.of(tenant("pro", "active", null)).name()).isEqualTo("pro");
        assertThat(plans.of(tenant("pro", "past_due", now.minusSeconds(3 * 86400).toString())).name()).isEqualTo("pro");
        assertThat(plans.of(tenant("pro", "past_due", now.minusSeconds(8 * 86400).toString())).name()).isEqualTo("free");
        assertThat(plans.of(tenant(null, null, null)).name()).isEqualTo("free");
        assertThat(plans.of(tenant("gold-plan-since-removed", null, null)).name()).isEqualTo("free");
    }

    @Test
    void plansCarryRatesAndQuotas() {
        PlanCatalog.Plan pro = catalog.plan("pro");
        assertThat(pro.requestsPerSecond()).isEqualTo(50);
        assertThat(pro.integrationRate("ai")).isEqualTo(10);
        assertThat(pro.integrationRate("whatsapp")).isEqualTo(25);
        assertThat(pro.quota("ai-tokens")).hasValue(3_000_000L);
        assertThat(catalog.names()).containsExactly("free", "basic", "pro", "enterprise");
        assertThat(catalog.pastDueGrace()).hasDays(7);
    }
}

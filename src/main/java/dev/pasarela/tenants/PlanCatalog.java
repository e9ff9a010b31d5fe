package dev.pasarela.tenants;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;

/**
 * The membership plans of {@code config/plans.yml} ({@code PASARELA_PLANS_FILE} to use another
 * file): their limits, the plan tenants fall back to, and which billing prices buy each plan.
 */
@Component
public class PlanCatalog {

    /** A plan's limits: {@code quotas} per channel per month; absent channel = not metered. */
    public record Plan(String name, List<String> prices, long requestsPerSecond,
                       Map<String, Long> integrationRequestsPerSecond, Map<String, Long> quotas) {

        public long integrationRate(String integration) {
            return integrationRequestsPerSecond.getOrDefault(integration,
                    integrationRequestsPerSecond.getOrDefault("default", requestsPerSecond));
        }

        public Optional<Long> quota(String channel) {
            return Optional.ofNullable(quotas.get(channel));
        }
    }

    record File(@JsonProperty("default-plan") String defaultPlan, @JsonProperty("past-due-grace") Duration pastDueGrace,
                Map<String, PlanEntry> plans) {}

    record PlanEntry(List<String> prices, @JsonProperty("requests-per-second") Long requestsPerSecond,
                     @JsonProperty("integration-requests-per-second") Map<String, Long> integrationRequestsPerSecond,
                     Map<String, Long> quotas) {}

    private final String defaultPlan;
    private final Duration pastDueGrace;
    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private final Map<String, String> byPrice = new LinkedHashMap<>();

    @Autowired
    public PlanCatalog(ResourceLoader loader, TenantFilesProperties files) {
        this(loader, files.plansFile());
    }

    public PlanCatalog(ResourceLoader loader, String location) {
        Resource resource = loader.getResource(location.contains(":") ? location : "file:" + location);
        File file;
        try (InputStream in = resource.getInputStream()) {
            // a YAML reader of its own: Boot's mapper reads JSON only and ignores unknown keys, while a
            // mistyped key in this operator-written file must stop the start
            file = new ObjectMapper(new YAMLFactory()).registerModule(new JavaTimeModule())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(in, File.class);
        } catch (IOException e) {
            throw new IllegalStateException("PASARELA_PLANS_FILE: cannot read plans from " + location + ": "
                    + e.getMessage(), e);
        }
        if (file == null || file.plans() == null || file.plans().isEmpty()) {
            throw new IllegalStateException("PASARELA_PLANS_FILE: " + location + " defines no plans");
        }
        file.plans().forEach((name, entry) -> {
            if (entry == null || entry.requestsPerSecond() == null || entry.requestsPerSecond() < 1) {
                throw new IllegalStateException("PASARELA_PLANS_FILE: plan " + name + " needs requests-per-second >= 1");
            }
            List<String> prices = entry.prices() == null ? List.of() : entry.prices();
            Map<String, Long> integration = entry.integrationRequestsPerSecond() == null ? Map.of()
                    : Map.copyOf(entry.integrationRequestsPerSecond());
            integration.forEach((k, v) -> {
                if (v == null || v < 1) {
                    throw new IllegalStateException("PASARELA_PLANS_FILE: plan " + name + ": rate of " + k + " must be >= 1");
                }
            });
            Map<String, Long> quotas = entry.quotas() == null ? Map.of() : Map.copyOf(entry.quotas());
            plans.put(name, new Plan(name, prices, entry.requestsPerSecond(), integration, quotas));
            for (String price : prices) {
                String previous = byPrice.put(price, name);
                if (previous != null) {
                    throw new IllegalStateException("PASARELA_PLANS_FILE: price " + price
                            + " is listed under both " + previous + " and " + name);
                }
            }
        });
        if (file.defaultPlan() == null || !plans.containsKey(file.defaultPlan())) {
            throw new IllegalStateException("PASARELA_PLANS_FILE: default-plan must name one of " + plans.keySet());
        }
        this.defaultPlan = file.defaultPlan();
        this.pastDueGrace = file.pastDueGrace() == null ? Duration.ofDays(7) : file.pastDueGrace();
    }

    public boolean exists(String plan) {
        return plans.containsKey(plan);
    }

    public Set<String> names() {
        return plans.keySet();
    }

    public String defaultPlan() {
        return defaultPlan;
    }

    public Duration pastDueGrace() {
        return pastDueGrace;
    }

    /** A plan by name; an unknown name (a plan since removed from the file) gives the default plan. */
    public Plan plan(String name) {
        return plans.getOrDefault(name, plans.get(defaultPlan));
    }

    /** The plan a price buys, by its lookup key first (stable across price changes), then its id. */
    public Optional<String> planForPrice(String lookupKey, String priceId) {
        if (lookupKey != null && byPrice.containsKey(lookupKey)) {
            return Optional.of(byPrice.get(lookupKey));
        }
        return Optional.ofNullable(priceId == null ? null : byPrice.get(priceId));
    }
}

package dev.pasarela.pipeline.throttle;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;

/**
 * The membership plans of {@code config/plans.yml} ({@code PASARELA_PLANS_FILE} to use another
 * file): which plans exist, the one tenants fall back to, and which billing prices buy each plan.
 */
@Component
public class PlanCatalog {

    public record Plan(String name, List<String> prices) {}

    record File(@JsonProperty("default-plan") String defaultPlan, Map<String, PlanEntry> plans) {}

    record PlanEntry(List<String> prices) {}

    private final String defaultPlan;
    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private final Map<String, String> byPrice = new LinkedHashMap<>();

    public PlanCatalog(ResourceLoader loader, @Value("${pasarela.plans-file:classpath:defaults/plans.yml}") String location) {
        Resource resource = loader.getResource(location.contains(":") ? location : "file:" + location);
        File file;
        try (InputStream in = resource.getInputStream()) {
            file = new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(in, File.class);
        } catch (IOException e) {
            throw new IllegalStateException("PASARELA_PLANS_FILE: cannot read plans from " + location + ": "
                    + e.getMessage(), e);
        }
        if (file == null || file.plans() == null || file.plans().isEmpty()) {
            throw new IllegalStateException("PASARELA_PLANS_FILE: " + location + " defines no plans");
        }
        file.plans().forEach((name, entry) -> {
            List<String> prices = entry == null || entry.prices() == null ? List.of() : entry.prices();
            plans.put(name, new Plan(name, prices));
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

    /** The plan a price buys, by its lookup key first (stable across price changes), then its id. */
    public Optional<String> planForPrice(String lookupKey, String priceId) {
        if (lookupKey != null && byPrice.containsKey(lookupKey)) {
            return Optional.of(byPrice.get(lookupKey));
        }
        return Optional.ofNullable(priceId == null ? null : byPrice.get(priceId));
    }
}

package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * What Meta's rate-limit headers last said, per object, so calls are shaped before Meta refuses
 * them (research-next.md §2.4, developers.facebook.com/docs/graph-api/overview/rate-limiting):
 * <ul>
 * <li>{@code X-App-Usage: {"call_count":%,"total_cputime":%,"total_time":%}}: the app, key {@code app};</li>
 * <li>{@code X-Page-Usage} (same shape): the page the call was for (its first path segment);</li>
 * <li>{@code X-Business-Use-Case-Usage: {"<id>":[{"type":…,"call_count":%,…,"estimated_time_to_regain_access":<minutes>}]}}:
 * each business object (page, Instagram account, WhatsApp Business Account).</li>
 * </ul>
 * A call's first path segment (the phone number, page or account it is for) is also remembered as
 * an alias of the business objects its answer named, so the next call to it finds their usage even
 * when Meta counts it against another id (a phone number's calls against its WABA).
 *
 * <p>Exported as the gauge {@code pasarela.meta.usage.percent{key_type,key}}: the highest of the
 * three percentages. {@code key} is a business object id (or {@code app}), never a path segment
 * (aliases and {@code X-Page-Usage} readings shape calls but are not exported), and
 * at most {@link MetaProperties#usageTrackedKeys()} are kept: the cardinality grows with the
 * tenants' accounts, not with traffic. Per-tenant tags would need a tenant lookup per Graph
 * answer; an operator finds the tenant from the id through {@code routing/…}.
 *
 * <p>Why not resilience4j's RateLimiter: it limits to a rate we choose, while Meta tells us after
 * each call how much of its own budget is used and when access comes back; that is what decides.
 */
@Component
public class GraphUsage {

    private static final Logger log = LoggerFactory.getLogger(GraphUsage.class);
    /** Meta's usage is over a rolling hour: an older reading says nothing about now. */
    static final Duration WINDOW = Duration.ofHours(1);
    static final String APP = "app";

    /** One header's reading for one key: the highest percentage and the wait Meta announced. */
    record Reading(String keyType, String key, double percent, Duration regain) {}

    /** The latest reading of a key; the gauge reads it in place. */
    private static final class Entry {
        final String keyType;
        volatile double percent;
        volatile Instant regainAt;
        volatile Instant observedAt;
        Gauge gauge;

        Entry(String keyType) {
            this.keyType = keyType;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Cache<String, Set<String>> aliases;
    private final MeterRegistry meters;
    private final ObjectMapper json;
    private final Clock clock;
    private final int slowdownFrom;
    private final Duration maxDelay;
    private final int trackedKeys;
    private final Counter refused;
    private final Counter slowed;

    public GraphUsage(MetaProperties meta, MeterRegistry meters, ObjectMapper json, Clock clock) {
        this.meters = meters;
        this.json = json;
        this.clock = clock;
        this.slowdownFrom = meta.usageSlowdownFrom();
        this.maxDelay = meta.usageMaxDelay();
        this.trackedKeys = meta.usageTrackedKeys();
        this.aliases = Caffeine.newBuilder().maximumSize(trackedKeys).expireAfterWrite(WINDOW).build();
        this.refused = Counter.builder("pasarela.meta.usage.held").tag("outcome", "refused")
                .description("Graph calls not made: Meta said when access comes back").register(meters);
        this.slowed = Counter.builder("pasarela.meta.usage.held").tag("outcome", "slowed")
                .description("Graph calls delayed: the object's or the app's usage is high").register(meters);
    }

    /** The object a call is about: its first path segment ({@code /123/messages} → {@code 123}). */
    static String objectOf(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        int end = p.indexOf('/');
        p = end < 0 ? p : p.substring(0, end);
        int query = p.indexOf('?');
        return query < 0 ? p : p.substring(0, query);
    }

    /**
     * Before a call about {@code path}: a {@link GraphException} of the throttling kind, carrying the
     * time left, while Meta's announced {@code estimated_time_to_regain_access} for that object (or
     * the app) has not passed; otherwise the pause to take, zero below the slowdown threshold.
     */
    Duration beforeCall(String path) {
        Instant now = clock.instant();
        double highest = 0;
        for (String key : keysOf(objectOf(path))) {
            Entry e = entries.get(key);
            if (e == null) {
                continue;
            }
            Instant regainAt = e.regainAt;
            if (regainAt != null && regainAt.isAfter(now)) {
                refused.increment();
                throw GraphException.heldBack(key, Duration.between(now, regainAt));
            }
            Instant seen = e.observedAt;
            if (seen != null && seen.plus(WINDOW).isAfter(now)) {
                highest = Math.max(highest, e.percent);
            }
        }
        Duration pause = delayFor(highest);
        if (!pause.isZero()) {
            slowed.increment();
        }
        return pause;
    }

    /** 0 below the threshold, growing linearly to {@code usageMaxDelay} at 100 %. */
    Duration delayFor(double percent) {
        if (percent < slowdownFrom) {
            return Duration.ZERO;
        }
        double share = slowdownFrom >= 100 ? 1 : Math.min(1, (percent - slowdownFrom) / (100.0 - slowdownFrom));
        return Duration.ofMillis(Math.round(maxDelay.toMillis() * share));
    }

    private Set<String> keysOf(String object) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(object);
        Set<String> aliased = aliases.getIfPresent(object);
        if (aliased != null) {
            keys.addAll(aliased);
        }
        keys.add(APP);
        return keys;
    }

    /**
     * Records what an answer's headers say about a call to {@code path}; unreadable headers are
     * ignored. @return the longest {@code estimated_time_to_regain_access} the business use case
     * header announced, when it announced one.
     */
    Optional<Duration> observe(String path, HttpHeaders headers) {
        List<Reading> readings = parse(objectOf(path), headers);
        if (readings.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String object = objectOf(path);
        Duration regain = Duration.ZERO;
        // one answer can name a key twice (a page's X-Page-Usage and its BUC entry): the higher counts
        Map<String, Reading> byKey = new LinkedHashMap<>();
        for (Reading r : readings) {
            if (!APP.equals(r.keyType()) && !"page".equals(r.keyType()) && r.regain().compareTo(regain) > 0) {
                regain = r.regain();
            }
            byKey.merge(r.key(), r, GraphUsage::higher);
        }
        byKey.values().forEach(r -> record(r, now));
        Set<String> named = new LinkedHashSet<>(byKey.keySet());
        named.remove(APP);
        named.remove(object);
        if (!named.isEmpty() && !object.isEmpty()) {
            aliases.put(object, Set.copyOf(named));
        }
        return regain.isZero() ? Optional.empty() : Optional.of(regain);
    }

    private static Reading higher(Reading a, Reading b) {
        return new Reading(a.keyType(), a.key(), Math.max(a.percent(), b.percent()),
                a.regain().compareTo(b.regain()) >= 0 ? a.regain() : b.regain());
    }

    private void record(Reading r, Instant now) {
        Entry e = entries.get(r.key());
        if (e != null && "page".equals(e.keyType) && !"page".equals(r.keyType())) {
            entries.remove(r.key(), e); // the business use case header names the page: export it as such
            e = null;
        }
        if (e == null) {
            if (entries.size() >= trackedKeys && !forgetStale(now)) {
                log.debug("Graph usage of one more object not kept: {} objects tracked already", entries.size());
                return;
            }
            e = entries.computeIfAbsent(r.key(), k -> register(k, new Entry(r.keyType())));
        }
        synchronized (e) { // the latest answer wins
            e.percent = r.percent();
            e.regainAt = r.regain().isZero() ? null : now.plus(r.regain());
            e.observedAt = now;
        }
    }

    private Entry register(String key, Entry e) {
        if ("page".equals(e.keyType)) {
            // X-Page-Usage names no id: its key is the call's path segment, which may be a post or a
            // comment, so it shapes calls but is not a series (the page's BUC entry is)
            return e;
        }
        e.gauge = Gauge.builder("pasarela.meta.usage.percent", e, x -> x.percent)
                .description("The highest of Meta's call count, CPU time and total time percentages, as last reported")
                .tags("key_type", e.keyType, "key", key).strongReference(true).register(meters);
        return e;
    }

    /** Drops readings older than Meta's window with no wait pending; @return whether any was dropped. */
    private boolean forgetStale(Instant now) {
        boolean dropped = false;
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Entry e = it.next().getValue();
            if (e.observedAt != null && e.observedAt.plus(WINDOW).isBefore(now)
                    && (e.regainAt == null || e.regainAt.isBefore(now))) {
                it.remove();
                if (e.gauge != null) {
                    meters.remove(e.gauge);
                }
                dropped = true;
            }
        }
        return dropped;
    }

    /** The readings of the three headers; a header that is not the documented JSON is skipped. */
    List<Reading> parse(String object, HttpHeaders headers) {
        List<Reading> out = new ArrayList<>();
        JsonNode app = read("X-App-Usage", headers);
        if (app != null && app.isObject()) {
            out.add(reading("app", APP, app));
        }
        JsonNode buc = read("X-Business-Use-Case-Usage", headers);
        if (buc != null && buc.isObject()) {
            Map<String, Reading> byId = new LinkedHashMap<>();
            buc.fields().forEachRemaining(f -> {
                for (JsonNode use : f.getValue()) {
                    if (!use.isObject()) {
                        continue;
                    }
                    Reading r = reading(use.path("type").asText("business_use_case"), f.getKey(), use);
                    byId.merge(f.getKey(), r, GraphUsage::higher);
                }
            });
            out.addAll(byId.values());
        }
        JsonNode page = read("X-Page-Usage", headers);
        if (page != null && page.isObject() && !object.isEmpty()) {
            out.add(reading("page", object, page));
        }
        return out;
    }

    private static Reading reading(String keyType, String key, JsonNode usage) {
        double percent = Math.max(usage.path("call_count").asDouble(0),
                Math.max(usage.path("total_cputime").asDouble(0), usage.path("total_time").asDouble(0)));
        long minutes = Math.max(0, usage.path("estimated_time_to_regain_access").asLong(0));
        return new Reading(keyType, key, percent, Duration.ofMinutes(Math.min(minutes, 24 * 60)));
    }

    private JsonNode read(String name, HttpHeaders headers) {
        String value = headers.getFirst(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return json.readTree(value);
        } catch (IOException e) {
            log.debug("Ignoring an unreadable {} header ({} characters)", name, value.length());
            return null;
        }
    }
}

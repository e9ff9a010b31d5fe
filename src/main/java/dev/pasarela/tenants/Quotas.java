package dev.pasarela.tenants;

import dev.pasarela.api.RateLimitedException;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Monthly quotas per tenant and channel, metered in the store at {@code tenants/{id}/usage/{yyyy-MM}}
 * (the month in the tenant's time zone), so counts survive restarts and are shared by replicas.
 */
@Component
public class Quotas {

    public record ChannelUsage(long used, Long limit, Long remaining) {}

    public record Usage(String tenantId, String month, String plan, Map<String, ChannelUsage> channels) {}

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM");

    private final DocumentStore store;
    private final EffectivePlan plans;
    private final Clock clock;

    @Autowired
    public Quotas(DocumentStore store, EffectivePlan plans, Clock clock) {
        this.store = store;
        this.plans = plans;
        this.clock = clock;
    }

    /**
     * Counts {@code amount} units of {@code channel} for the tenant, or refuses with a 429 whose type
     * names the exhausted quota ({@code quota-exhausted/<channel>}) when they would go over it. A
     * channel the plan does not meter is only counted; a negative amount gives units back.
     *
     * @return the month ({@code yyyy-MM}) the units were counted in: the one to give them back to
     */
    public String consume(Tenant tenant, String channel, long amount) {
        PlanCatalog.Plan plan = plans.of(tenant);
        String month = month(tenant);
        Pending mine = new Pending(amount, Thread.currentThread());
        if (amount <= 0) {
            count(tenant, plan, channel, month, List.of(mine));
            return settled(mine, month);
        }
        // a tenant's concurrent sends share one transaction (group commit) instead of queueing on the usage
        // document's lock one commit each; each caller still returns only once its own unit is committed
        Combiner combiner = combiners.computeIfAbsent(tenant.id() + '|' + channel + '|' + month, k -> new Combiner());
        combiner.queue.add(mine);
        // an interrupt is kept for the caller, not acted on here: the unit may be counted by another
        // caller's transaction already, and a flagged leader would spin and fail the store's file IO
        boolean interrupted = false;
        while (!mine.done.isDone()) {
            interrupted |= Thread.interrupted();
            if (combiner.lock.tryLock()) {
                try {
                    List<Pending> batch = new ArrayList<>();
                    for (Pending p; batch.size() < MAX_BATCH && (p = combiner.queue.poll()) != null; ) {
                        batch.add(p);
                    }
                    if (!batch.isEmpty()) {
                        count(tenant, plan, channel, month, batch);
                    }
                } finally {
                    combiner.lock.unlock();
                }
                Pending next = combiner.queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.thread()); // it leads the next batch
                }
            } else {
                LockSupport.parkNanos(this, 2_000_000); // woken when counted or when it may lead
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (combiners.size() > 10_000) {
            combiners.clear(); // months and tenants that ended: the next caller makes its combiner again
        }
        return settled(mine, month);
    }

    private static String settled(Pending p, String month) {
        try {
            p.done().join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return month;
    }

    /** The most units of one tenant counted in one transaction. */
    static final int MAX_BATCH = 64;

    private final java.util.concurrent.ConcurrentHashMap<String, Combiner> combiners =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final class Combiner {
        final java.util.concurrent.ConcurrentLinkedQueue<Pending> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    }

    private record Pending(long amount, Thread thread, CompletableFuture<Void> done) {
        Pending(long amount, Thread thread) {
            this(amount, thread, new CompletableFuture<>());
        }
    }

    /**
     * Counts the batch in one transaction, in arrival order: each unit is refused exactly as it would be
     * alone (the units before it in the batch count as used), and settled only after the commit.
     */
    private void count(Tenant tenant, PlanCatalog.Plan plan, String channel, String month, List<Pending> batch) {
        Long limit = plan.quota(channel).orElse(null);
        java.util.Set<Pending> refused = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        try {
            store.runTransaction(tx -> {
                refused.clear(); // the transaction may run again after a conflict
                String path = path(tenant.id(), month);
                long used = tx.get(path).map(d -> used(d, channel)).orElse(0L);
                for (Pending p : batch) {
                    if (p.amount() > 0 && limit != null && used + p.amount() > limit) {
                        refused.add(p);
                    } else {
                        used = Math.max(0, used + p.amount());
                    }
                }
                if (refused.size() < batch.size()) {
                    tx.merge(path, Map.of("month", month, "channels", Map.of(channel, used)));
                }
                return null;
            });
            for (Pending p : batch) {
                if (refused.contains(p)) {
                    p.done().completeExceptionally(exhausted(tenant, plan, channel, limit, month));
                } else {
                    p.done().complete(null);
                }
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(p -> p.done().completeExceptionally(e)); // none of the batch was counted
        } finally {
            batch.forEach(p -> LockSupport.unpark(p.thread()));
        }
    }

    /** Gives back one unit {@link #consume} counted in {@code month}: that month's, even if it has since ended. */
    public void giveBack(Tenant tenant, String channel, String month) {
        store.runTransaction(tx -> {
            adjust(tx, tenant.id(), channel, month, -1);
            return null;
        });
    }

    /**
     * For a quota counted after the call (AI tokens, known only from the provider's answer): refuses
     * with the same 429 as {@link #consume} when nothing of it is left, before any provider is called.
     */
    public void requireRemaining(Tenant tenant, String channel) {
        PlanCatalog.Plan plan = plans.of(tenant);
        Long limit = plan.quota(channel).orElse(null);
        if (limit == null) {
            return;
        }
        String month = month(tenant);
        long used = store.get(path(tenant.id(), month)).map(d -> used(d, channel)).orElse(0L);
        if (used >= limit) {
            throw exhausted(tenant, plan, channel, limit, month);
        }
    }

    /**
     * Counts units already spent (the tokens a provider reported): never refused, so the last call
     * of a month may take the count past the limit, and the next one is refused by
     * {@link #requireRemaining}.
     */
    public void record(Tenant tenant, String channel, long amount) {
        if (amount <= 0) {
            return;
        }
        String month = month(tenant);
        store.runTransaction(tx -> {
            String path = path(tenant.id(), month);
            long used = tx.get(path).map(d -> used(d, channel)).orElse(0L);
            tx.merge(path, Map.of("month", month, "channels", Map.of(channel, used + amount)));
            return null;
        });
    }

    /**
     * Changes the count of {@code channel} in {@code month} by {@code delta} inside the caller's
     * transaction (before its writes: Firestore reads first), never below zero: a message whose
     * acceptance spent a unit gives it back when no provider took it.
     */
    public static void adjust(dev.pasarela.store.StoreTransaction tx, String tenantId, String channel, String month,
                              long delta) {
        String path = path(tenantId, month);
        long used = tx.get(path).map(d -> used(d, channel)).orElse(0L);
        tx.merge(path, Map.of("month", month, "channels", Map.of(channel, Math.max(0, used + delta))));
    }

    /** The month ({@code yyyy-MM}, in the tenant's time zone) a unit spent now is counted in. */
    public String month(Tenant tenant) {
        return MONTH.format(now(tenant));
    }

    /** The quota of bytes kept in files: a current total, not a monthly count (see {@link #reserveBytes}). */
    public static final String STORAGE_BYTES = "storage-bytes";

    /**
     * Adds {@code bytes} to the tenant's stored total before a file is written, or refuses with a 403
     * {@code quota-exhausted/storage-bytes} when the plan's {@code storage-bytes} would be passed.
     * Stored bytes do not renew with the month, so this is a total kept at
     * {@code tenants/{id}/usage/storage} and changed in a transaction (replicas share it), and the
     * refusal is a 403 without {@code Retry-After}: only deleting files frees room.
     */
    public void reserveBytes(Tenant tenant, long bytes) {
        PlanCatalog.Plan plan = plans.of(tenant);
        Long limit = plan.quota(STORAGE_BYTES).orElse(null);
        store.runTransaction(tx -> {
            String path = storagePath(tenant.id());
            long used = tx.get(path).map(Quotas::storedBytes).orElse(0L);
            if (bytes > 0 && limit != null && used + bytes > limit) {
                throw new dev.pasarela.api.ProblemException(403, "quota-exhausted/" + STORAGE_BYTES,
                        "Storage quota exhausted", "The " + plan.name() + " plan keeps up to " + limit
                        + " bytes of files; " + used + " are used and this file needs " + bytes
                        + ". Delete files to make room.");
            }
            tx.merge(path, Map.of("bytes", used + bytes));
            return null;
        });
    }

    /** Gives back the bytes of a deleted file (or of an upload that failed after its reservation). */
    public void releaseBytes(Tenant tenant, long bytes) {
        if (bytes <= 0) {
            return;
        }
        store.runTransaction(tx -> {
            String path = storagePath(tenant.id());
            long used = tx.get(path).map(Quotas::storedBytes).orElse(0L);
            tx.merge(path, Map.of("bytes", Math.max(0, used - bytes)));
            return null;
        });
    }

    private static long storedBytes(Document d) {
        return d.field("bytes") instanceof Number n ? n.longValue() : 0L;
    }

    static String storagePath(String tenantId) {
        return TenantRepository.path(tenantId) + "/usage/storage";
    }

    private RateLimitedException exhausted(Tenant tenant, PlanCatalog.Plan plan, String channel, long limit,
                                           String month) {
        return new RateLimitedException("quota-exhausted/" + channel, "Monthly quota exhausted",
                "The " + plan.name() + " plan's monthly " + channel + " quota (" + limit + ") is spent for "
                        + month + ".", secondsToNextMonth(tenant));
    }

    public Usage usage(Tenant tenant) {
        PlanCatalog.Plan plan = plans.of(tenant);
        String month = month(tenant);
        Map<String, Object> counted = store.get(path(tenant.id(), month)).map(d -> d.field("channels"))
                .filter(Map.class::isInstance).map(m -> {
                    @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) m;
                    return c;
                }).orElse(Map.of());
        Map<String, ChannelUsage> channels = new LinkedHashMap<>();
        plan.quotas().keySet().stream().sorted().forEach(ch -> channels.put(ch, channel(counted.get(ch), plan.quotas().get(ch))));
        counted.forEach((ch, v) -> channels.putIfAbsent(ch, channel(v, null)));
        // the one quota that is a current total rather than this month's count
        long stored = store.get(storagePath(tenant.id())).map(Quotas::storedBytes).orElse(0L);
        if (stored > 0 || plan.quota(STORAGE_BYTES).isPresent()) {
            channels.put(STORAGE_BYTES, channel(stored, plan.quota(STORAGE_BYTES).orElse(null)));
        }
        return new Usage(tenant.id(), month, plan.name(), channels);
    }

    private static ChannelUsage channel(Object counted, Long limit) {
        long used = counted instanceof Number n ? n.longValue() : 0L;
        return new ChannelUsage(used, limit, limit == null ? null : Math.max(0, limit - used));
    }

    private static long used(Document d, String channel) {
        return d.field("channels." + channel) instanceof Number n ? n.longValue() : 0L;
    }

    static String path(String tenantId, String month) {
        return TenantRepository.path(tenantId) + "/usage/" + month;
    }

    private ZonedDateTime now(Tenant tenant) {
        ZoneId zone;
        try {
            zone = ZoneId.of(tenant.timezone() == null ? "UTC" : tenant.timezone());
        } catch (DateTimeException e) {
            zone = ZoneId.of("UTC");
        }
        return ZonedDateTime.now(clock.withZone(zone));
    }

    private long secondsToNextMonth(Tenant tenant) {
        ZonedDateTime now = now(tenant);
        ZonedDateTime next = now.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
        return Math.max(1, ChronoUnit.SECONDS.between(now, next));
    }
}

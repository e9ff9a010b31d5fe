import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the end of every Camel exchange cost with Camel's own exchange notifier: a registry search
 * for its last-exchange gauge ({@code find(name).gauge()}), against the gateway's notifier, which
 * sets a gauge registered once. Meters per tenant (deliveries, API calls, sends) make the registry
 * grow with the tenants; the search walks all of it. One thread, the Prometheus registry the gateway
 * uses. Fails when the search does not find the gauge. Run by bench/meter-search-cost.sh.
 */
public class MeterSearchCost {
    static final String GAUGE = "camel.exchanges.last.timestamp";

    public static void main(String[] args) {
        int calls = Integer.parseInt(args[0]);
        for (int meters : new int[] {300, 3_000, 30_000}) {
            MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            AtomicLong last = new AtomicLong();
            Gauge.builder(GAUGE, last, AtomicLong::get).register(registry);
            for (int i = 1; i < meters; i++) {
                registry.counter("pasarela.deliveries", "tenant", "dealer-" + i, "outcome", "applied");
            }
            for (int round = 1; round <= 3; round++) {
                long s0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    if (registry.find(GAUGE).gauge() == null) {
                        throw new AssertionError("the search did not find the gauge among " + meters + " meters");
                    }
                    last.set(i);
                }
                long s1 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    last.set(i);
                }
                long s2 = System.nanoTime();
                System.out.printf("%d meters, round %d: search %.2f µs, registered once %.3f µs per exchange (%d each)%n",
                        registry.getMeters().size(), round, (s1 - s0) / 1e3 / calls, (s2 - s1) / 1e3 / calls, calls);
            }
        }
    }
}

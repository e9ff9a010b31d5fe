package dev.pasarela.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;

/**
 * Camel's exchange timers (per route and endpoint, {@code camel.exchange.event.notifier}) and its
 * last-exchange gauge, without the registry search Camel's notifier makes for that gauge at the end
 * of every exchange: Micrometer's {@code find} walks every meter registered, so each exchange paid
 * for every meter of every tenant and route (5 % of a webhook's request thread with the bench's few
 * meters, and more with each tenant). The gauge is registered once, at the first exchange's end.
 */
class ExchangeTimersNotifier extends MicrometerExchangeEventNotifier {

    /** Camel's own property key for the timer it starts when an exchange is created. */
    private static final String TIMER_PROPERTY = "eventTimer:";

    private final AtomicLong lastExchangeMillis = new AtomicLong();
    private final Clock clock;
    /** Registered at the first exchange's end, as Camel's is: no series reading 0 before then. */
    private volatile boolean gaugeRegistered;

    ExchangeTimersNotifier(Clock clock) {
        this.clock = clock;
    }

    /** As Camel's, with the gauge's value set instead of looked up. */
    @Override
    protected void handleDoneEvent(ExchangeEvent doneEvent) {
        String name = getNamingStrategy().getName(doneEvent.getExchange(), doneEvent.getExchange().getFromEndpoint());
        Tags tags = getNamingStrategy().getTags(doneEvent, doneEvent.getExchange().getFromEndpoint());
        Timer.Sample sample = (Timer.Sample) doneEvent.getExchange().removeProperty(TIMER_PROPERTY + name);
        if (sample != null) {
            sample.stop(getMeterRegistry().timer(name, tags));
        }
        lastExchangeMillis.accumulateAndGet(clock.millis(), Math::max); // exchanges end out of order
        if (!gaugeRegistered) { // registering again is harmless: the registry answers the same gauge
            Gauge.builder(MicrometerConstants.CAMEL_EXCHANGE_LAST_TIME_METER_NAME, lastExchangeMillis, AtomicLong::get)
                    .description("Last exchange processed time in milliseconds since the Unix epoch")
                    .register(getMeterRegistry());
            gaugeRegistered = true;
        }
    }
}

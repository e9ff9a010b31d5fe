package dev.pasarela.pipeline.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.pipeline.MemoryBucketStore;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.deliver.DeliveryProperties;
import dev.pasarela.pipeline.errors.ErrorHandling;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class TenantShapingTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private Exchange event(String tenant) {
        Exchange e = new DefaultExchange(camel);
        e.setVariable(Variables.PROVIDER, "stripe");
        e.setVariable(Variables.TENANT_ID, tenant);
        return e;
    }

    private TenantShaping shaping(long rate) {
        return new TenantShaping(meters, new DeliveryProperties(4, true, rate), new MemoryBucketStore());
    }

    /** A tenant over its rate has its next events put back for later; another tenant's goes through at once. */
    @Test
    void aTenantsBurstGoesBackOnTheQueueAndAnotherTenantIsNotHeld() throws Exception {
        TenantShaping shaping = shaping(2);
        Exchange first = event("norte");
        shaping.shape(first);
        assertThat(first.getProperty(SlotShaping.LATER)).isNull();

        long before = System.currentTimeMillis();
        Exchange second = event("norte");
        shaping.shape(second);
        Exchange third = event("norte");
        shaping.shape(third);
        long after = System.currentTimeMillis();
        assertThat(second.getProperty(SlotShaping.LATER)).isEqualTo(true);
        assertThat(third.getProperty(SlotShaping.LATER)).isEqualTo(true);
        long secondDue = second.getIn().getHeader(ErrorHandling.SCHEDULED_DELIVERY, Long.class);
        long thirdDue = third.getIn().getHeader(ErrorHandling.SCHEDULED_DELIVERY, Long.class);
        // slots half a second apart at 2/s, in arrival order: the first half a second after it was shaped,
        // whenever between the two readings of the clock that was (a pause between them widens the range)
        assertThat(secondDue).isBetween(before + 400, after + 600);
        assertThat(thirdDue - secondDue).isBetween(400L, 600L);

        Exchange other = event("sur");
        shaping.shape(other);
        assertThat(other.getProperty(SlotShaping.LATER)).isNull();
        assertThat(meters.counter("pasarela.inbound.shaped-later", "provider", "stripe").count()).isEqualTo(2);
    }

    /** Put back for its slot, the event passes when it comes again, without reserving another. */
    @Test
    void anEventPutBackPassesWhenItsSlotComes() throws Exception {
        TenantShaping shaping = shaping(1);
        shaping.shape(event("norte"));
        Exchange later = event("norte");
        shaping.shape(later);
        assertThat(later.getProperty(SlotShaping.LATER)).isEqualTo(true);

        Exchange again = event("norte"); // the same message, delivered at its slot
        again.getIn().setHeader(SlotShaping.SLOT_FOR, later.getIn().getHeader(SlotShaping.SLOT_FOR));
        again.getIn().setHeader(SlotShaping.SLOT_AT, System.currentTimeMillis());
        shaping.shape(again);
        assertThat(again.getProperty(SlotShaping.LATER)).isNull();

        Exchange late = event("norte"); // the same message, delivered seconds after its slot (consumers busy)
        late.getIn().setHeader(SlotShaping.SLOT_FOR, later.getIn().getHeader(SlotShaping.SLOT_FOR));
        late.getIn().setHeader(SlotShaping.SLOT_AT, System.currentTimeMillis() - 3000);
        shaping.shape(late);
        assertThat(late.getProperty(SlotShaping.LATER)).as("a new slot, not a bunch with the on-time ones").isEqualTo(true);
    }

    @Test
    void aRateBelowOneIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SlotShaping.configuration(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Duration.ofMillis(20)).isEqualTo(SlotShaping.INLINE_WAIT);
    }
}

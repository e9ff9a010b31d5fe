package dev.pasarela.messaging;

import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.errors.LongWaits;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The pipeline every outbound channel is made of, as a route template behind the {@link Outbox}:
 * <pre>
 * outbound-delivery: out.&lt;channel&gt; → restore → shape per sender (the provider's rate) → send → record
 *                                                       ↳ slot later: back on out.&lt;channel&gt;, due then
 * </pre>
 * A channel instantiates it (see {@code routes/*.camel.yaml}) and registers a {@link Channel} of that name.
 */
@Component
public class OutboundRoutes extends RouteBuilder {

    private final Channels channels;

    public OutboundRoutes(Channels channels) {
        this.channels = channels;
    }

    @Override
    public void configure() {
        routeTemplate("outbound-delivery")
                .templateParameter("channel", null, "channel: consumes out.<channel>; the Channel of that name() sends")
                .templateParameter("rate", null, "messages per second per sender, as the provider allows")
                // checked when the route is made (at start): without it every message would dead-letter
                .configure(t -> requireChannel(String.valueOf(t.getProperty("channel"))))
                // consumers of their own (not pasarela.delivery.concurrency's 4): a send waits on the provider's
                // answer (100-300 ms for Graph) and on two store commits, so 4 would cap a gateway far below the CPU
                .from("jms:queue:out.{{channel}}?transacted=true&lazyCreateTransactionManager=false"
                        + "&concurrentConsumers={{pasarela.outbound.concurrency:16}}")
                .routeConfigurationId(ErrorHandling.DELIVERY)
                .autoStartup("{{pasarela.delivery.auto-startup:true}}")
                .bean("outboundSteps", "restore(${exchange}, '{{channel}}')").id("restore")
                // the provider's limit is shaped here (never fails, never holds the consumer): a message
                // whose slot is later goes back on its queue, due then, in the consumer's transaction;
                // per JVM, see docs/scale-out.md
                .bean("senderShaping", "shape(${exchange}, '{{channel}}', {{rate}})").id("shape-per-sender")
                .filter(exchangeProperty(SenderShaping.LATER).isNotNull()).id("shaped-later")
                    .to(LongWaits.PUT_BACK).id("put-back-for-slot")
                    .stop()
                .end()
                .bean("outboundSteps", "send").id("provider-call")
                // its slot passed while it was held before the call (a stall): back for a new slot, so
                // the calls a stall held do not go out together
                .filter(exchangeProperty(SenderShaping.LATER).isNotNull()).id("late-for-slot")
                    .to(LongWaits.PUT_BACK).id("put-back-late-for-slot")
                .end();
    }

    private void requireChannel(String channel) {
        if (channels.find(channel).isEmpty()) {
            throw new IllegalStateException("Route template outbound-delivery for channel '" + channel
                    + "' has no Channel bean whose name() is '" + channel
                    + "': add one to integrations/<provider> or remove the route from routes/");
        }
    }
}

package dev.pasarela.pipeline.outbound;

import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.RejectedByProviderException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** The provider-agnostic steps of the outbound-delivery template: queued message → provider call → outcome recorded. */
@Component("outboundSteps")
public class OutboundSteps {

    public static final String MESSAGE = "outboundMessage";
    public static final String SENDER = "sender";
    private static final Logger log = LoggerFactory.getLogger(OutboundSteps.class);

    private final Outbox outbox;
    private final Map<String, OutboundSender> senders;
    private final MeterRegistry meters;
    private final ObjectProvider<MessageFailureListener> listeners;

    public OutboundSteps(Outbox outbox, List<OutboundSender> senders, MeterRegistry meters,
                         ObjectProvider<MessageFailureListener> listeners) {
        this.outbox = outbox;
        this.senders = senders.stream().collect(Collectors.toMap(OutboundSender::channel, Function.identity()));
        this.meters = meters;
        this.listeners = listeners;
    }

    /** Queue message → variables; the shaping key is the sender (phone number, page) the provider limits. */
    public void restore(Exchange exchange, String channel) throws InvalidPayloadException {
        OutboundMessage m = outbox.read(exchange.getIn().getMandatoryBody(byte[].class));
        exchange.setVariable(Variables.PROVIDER, channel);
        exchange.setVariable(Variables.TENANT_ID, m.tenantId());
        exchange.setVariable(Variables.EVENT_KEY, m.id());
        exchange.setVariable(MESSAGE, m);
        exchange.setVariable(SENDER, sender(channel).senderKey(m));
    }

    public void send(Exchange exchange) {
        OutboundMessage m = exchange.getVariable(MESSAGE, OutboundMessage.class);
        if (outbox.message(m.tenantId(), m.id()).map(d -> d.field("providerMessageId")).isPresent()) {
            log.info("Message {} of {} was already sent: not sending it twice", m.id(), m.tenantId());
            return; // redelivered after the process died between the provider's answer and the commit
        }
        String providerId;
        try {
            providerId = sender(m.channel()).send(m);
        } catch (RejectedByProviderException e) {
            outbox.recordFailed(m.tenantId(), m.id(), e.code(), e.getMessage());
            outbox.message(m.tenantId(), m.id()).map(d -> (String) d.field("notificationId")).ifPresent(n ->
                    listeners.forEach(l -> l.messageFailed(m.tenantId(), m.id(), n, m.channel(), e.code())));
            meters.counter("pasarela.outbound.failures", "channel", m.channel(), "tenant", m.tenantId(),
                    "code", e.code()).increment();
            if (e.operatorAction()) {
                throw e; // dead-lettered, to be replayed once the operator fixed it
            }
            log.info("Message {} of {} refused by the provider ({}): {}", m.id(), m.tenantId(), e.code(), e.getMessage());
            return;
        }
        outbox.recordSubmitted(m.tenantId(), m.id(), m.channel(), providerId);
        meters.counter("pasarela.outbound.sent", "channel", m.channel(), "tenant", m.tenantId()).increment();
    }

    private OutboundSender sender(String channel) {
        OutboundSender s = senders.get(channel);
        if (s == null) {
            throw new PermanentException("no OutboundSender for channel " + channel);
        }
        return s;
    }
}

package dev.pasarela.messaging;

import dev.pasarela.pipeline.CallWindows;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.errors.DeadLetterListener;
import dev.pasarela.pipeline.transform.DeliveryState;
import dev.pasarela.store.Document;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** The provider-agnostic steps of the outbound-delivery template: queued message → provider call → outcome recorded. */
@Component("outboundSteps")
public class OutboundSteps implements DeadLetterListener {

    public static final String MESSAGE = "outboundMessage";
    public static final String SENDER = "sender";
    /**
     * JMS property of a message put back after its send attempt was counted (its slot passed before
     * the call, or its sender's window stayed full, {@link SenderShaping#holdCall}): the delivery attempt counted, so that when it comes
     * back for its new slot that attempt is not counted twice, nor put back again.
     */
    static final String COUNTED_FOR = "PasarelaSendCountedFor";
    private static final Logger log = LoggerFactory.getLogger(OutboundSteps.class);

    private final Outbox outbox;
    private final MessageHistory messages;
    private final Channels channels;
    private final MeterRegistry meters;
    private final ObjectProvider<MessageFailureListener> listeners;
    private final SenderShaping shaping;
    /** 5 attempts 200, 400, 600, 800 ms apart: a store hiccup, not an outage (the route must not resend). */
    private final Retry recordRetry = Retry.of("outbound-record-sent", RetryConfig.custom()
            .maxAttempts(5).intervalFunction(IntervalFunction.of(Duration.ofMillis(200), previous -> previous + 200))
            .build());

    public OutboundSteps(Outbox outbox, MessageHistory messages, Channels channels, MeterRegistry meters,
                         ObjectProvider<MessageFailureListener> listeners, SenderShaping shaping) {
        this.shaping = shaping;
        this.outbox = outbox;
        this.messages = messages;
        this.channels = channels;
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
        exchange.setVariable(SENDER, channels.require(channel).senderKey(m));
    }

    public void send(Exchange exchange) throws InterruptedException {
        OutboundMessage m = exchange.getVariable(MESSAGE, OutboundMessage.class);
        // read, checked and (when it goes on) counted in one transaction: counted before the provider call, as
        // a failure from here on may come after a provider took the message (see recordFailed)
        int attempt = dev.pasarela.pipeline.errors.ErrorHandling.deliveryAttempt(exchange);
        boolean counted = Integer.valueOf(attempt).equals(exchange.getIn().getHeader(COUNTED_FOR, Integer.class));
        Optional<Document> recorded = messages.recordSendAttempt(m.tenantId(), m.id(), m.copy(),
                counted ? d -> false : OutboundSteps::sendable); // read only, when back for a new slot
        if (recorded.isEmpty()) {
            log.warn("Message {} of {} is not recorded (its acceptance was undone): not sent", m.id(), m.tenantId());
            return;
        }
        if (!MessageHistory.sentBy(recorded.get(), m.copy())) {
            log.info("Message {} of {} was queued again by a retried Idempotency-Key and another copy sends it: "
                    + "this copy is not sent", m.id(), m.tenantId());
            return;
        }
        if (recorded.get().field("providerMessageId") != null) {
            log.info("Message {} of {} was already sent: not sending it twice", m.id(), m.tenantId());
            return; // redelivered after the process died between the provider's answer and the commit
        }
        String notificationId = (String) recorded.get().field("notificationId");
        if (notificationId != null && "failed".equals(recorded.get().field("status"))) {
            log.info("Message {} of {} failed and its notification moved on: not sent again", m.id(), m.tenantId());
            return; // a replayed dead letter would reach the recipient twice
        }
        // the slot and the place in the sender's window are the provider call's: taken as close to it as can be
        CallWindows.Call call = shaping.holdCall(exchange, m.channel(), !counted);
        if (call == null) {
            exchange.getIn().setHeader(COUNTED_FOR, attempt);
            return; // back on its queue for a new slot (the route's put-back-late-for-slot)
        }
        String providerId;
        try {
            providerId = send(m, call);
        } catch (RejectedByProviderException e) {
            messages.recordNotTaken(m.tenantId(), m.id(), e.code(), e.getMessage());
            if (e instanceof RecipientOptedOutException optedOut) {
                messages.markOptedOut(m.tenantId(), m.channel(), optedOut.contactId());
            }
            meters.counter("pasarela.outbound.failures", "channel", m.channel(), "tenant", m.tenantId(),
                    "code", e.code()).increment();
            if (notificationId != null) {
                // the notification tries its next channel; no dead letter, whose replay would send twice
                log.warn("Message {} of {} refused ({}), notification {} falls back: {}", m.id(), m.tenantId(),
                        e.code(), notificationId, e.getMessage());
                failed(m.tenantId(), m.id(), notificationId, m.channel(), e.code());
                return;
            }
            if (e.operatorAction()) {
                throw e; // dead-lettered, to be replayed once the operator fixed it
            }
            log.info("Message {} of {} refused by the provider ({}): {}", m.id(), m.tenantId(), e.code(), e.getMessage());
            return;
        } catch (dev.pasarela.pipeline.errors.PermanentException e) {
            if (e.failureCode() == null) {
                throw e;
            }
            // e.g. credential-unreadable, read before any provider call: no retry fixes it; recorded with its
            // code (nothing left for the provider), then as a refusal an operator fixes
            messages.recordNotTaken(m.tenantId(), m.id(), e.failureCode(), e.getMessage());
            meters.counter("pasarela.outbound.failures", "channel", m.channel(), "tenant", m.tenantId(),
                    "code", e.failureCode()).increment();
            if (notificationId != null) {
                failed(m.tenantId(), m.id(), notificationId, m.channel(), e.failureCode());
                return;
            }
            throw e;
        }
        String status = recordSent(m, providerId);
        meters.counter("pasarela.outbound.sent", "channel", m.channel(), "tenant", m.tenantId()).increment();
        // a failure status overtook the provider's answer
        if (notificationId != null && DeliveryState.of(status).unreached()) {
            failed(m.tenantId(), m.id(), notificationId, m.channel(), status);
        }
    }

    /** The provider call, in its place in the sender's window until the provider answered. */
    private String send(OutboundMessage m, CallWindows.Call call) {
        try {
            return channels.send(m);
        } finally {
            call.leave();
        }
    }

    /** Not sent already, and not a failed message whose notification moved on to another channel. */
    static boolean sendable(Document recorded) {
        return recorded.field("providerMessageId") == null
                && !(recorded.field("notificationId") != null && "failed".equals(recorded.field("status")));
    }

    /**
     * The provider took the message: record it, retrying here rather than through the route, whose
     * retry would call the provider again and send a second copy.
     */
    private String recordSent(OutboundMessage m, String providerId) {
        try {
            return recordRetry.executeSupplier(
                    () -> messages.recordSubmitted(m.tenantId(), m.id(), m.channel(), providerId));
        } catch (RuntimeException e) {
            log.error("Message {} of {} was sent ({}) but could not be recorded: {}", m.id(), m.tenantId(), providerId,
                    e.toString());
            throw e;
        }
    }

    /**
     * Called by the dead-letter route for an outbound message out of retries: it ends {@code failed}
     * and its notification, if any, tries its next channel. Never throws: the dead letter comes first.
     */
    @Override
    public void deadLettered(Exchange exchange) {
        String type = exchange.getMessage().getHeader(Variables.H_EVENT_TYPE, String.class);
        String tenant = exchange.getMessage().getHeader(Variables.H_TENANT_ID, String.class);
        String id = exchange.getMessage().getHeader(Variables.H_EVENT_KEY, String.class);
        if (type == null || !type.endsWith(".message") || tenant == null || id == null) {
            return;
        }
        try {
            Optional<Document> d = messages.message(tenant, id);
            if (d.isEmpty() || "failed".equals(d.get().field("status")) || d.get().field("providerMessageId") != null) {
                return;
            }
            String cause = String.valueOf(exchange.getMessage().getHeader(Variables.H_FAILURE_CAUSE));
            String code = failureCode(exchange);
            messages.recordFailed(tenant, id, code, withoutClassName(cause));
            String notificationId = (String) d.get().field("notificationId");
            if (notificationId != null) {
                failed(tenant, id, notificationId, type.substring(0, type.length() - ".message".length()), code);
            }
        } catch (RuntimeException e) {
            log.error("Dead-lettered message {} of {} could not be marked failed: {}", id, tenant, e.toString());
        }
    }

    /**
     * What the caller reads as the failure: a permanent fault's own code (an unreadable credential met
     * before the send step, say), otherwise {@code retries-exhausted}.
     */
    static String failureCode(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
            if (t instanceof dev.pasarela.pipeline.errors.PermanentException p && p.failureCode() != null) {
                return p.failureCode();
            }
        }
        return "retries-exhausted";
    }

    /** The dead letter's cause names the exception's class for the operator; the caller reads only what happened. */
    static String withoutClassName(String cause) {
        return cause.replaceFirst("^([a-zA-Z_$][\\w$]*\\.)*[A-Z][\\w$]*(Exception|Error): ", "");
    }

    private void failed(String tenantId, String messageId, String notificationId, String channel, String reason) {
        listeners.forEach(l -> l.messageFailed(tenantId, messageId, notificationId, channel, reason));
    }
}

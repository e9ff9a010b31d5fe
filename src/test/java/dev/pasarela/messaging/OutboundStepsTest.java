package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.pasarela.store.Document;
import dev.pasarela.store.StoreUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;

/** A send the provider took is recorded by retrying the record, never by calling the provider again. */
class OutboundStepsTest {

    final MessageHistory messages = mock(MessageHistory.class);
    final Channels channels = mock(Channels.class);
    @SuppressWarnings("unchecked")
    final OutboundSteps steps = new OutboundSteps(mock(Outbox.class), messages, channels, new SimpleMeterRegistry(),
            mock(ObjectProvider.class), new SenderShaping(new SimpleMeterRegistry(), new dev.pasarela.pipeline.MemoryBucketStore()));
    final OutboundMessage message = new OutboundMessage("msg_1", "t1", "sms", "+5215512345678",
            Map.of("type", "text", "text", Map.of("body", "Hola")), "2026-01-01T00:00:00Z", "cpy_1");
    Exchange exchange;

    @BeforeEach
    void queued() {
        exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(OutboundSteps.MESSAGE, message);
        when(messages.message("t1", "msg_1")).thenReturn(Optional.of(new Document("m", Map.of("status", "accepted"))));
        when(messages.recordSendAttempt(org.mockito.ArgumentMatchers.eq("t1"), org.mockito.ArgumentMatchers.eq("msg_1"),
                org.mockito.ArgumentMatchers.eq("cpy_1"), any())).thenReturn(Optional.of(new Document("m", Map.of("status", "accepted"))));
        when(channels.send(any())).thenReturn("SM123");
    }

    /** A provider call that fails leaves its sender's window as one that answered does: no place held for its lease. */
    @Test
    void aProviderCallThatThrowsLeavesItsSendersWindow() throws Exception {
        dev.pasarela.pipeline.MemoryBucketStore memory = new dev.pasarela.pipeline.MemoryBucketStore();
        java.util.concurrent.atomic.AtomicInteger inWindow = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger entered = new java.util.concurrent.atomic.AtomicInteger();
        dev.pasarela.pipeline.CallWindows counting = (key, rate) -> {
            dev.pasarela.pipeline.CallWindows.Admission admission = memory.windows("send").enter(key, rate);
            if (!admission.granted()) {
                return admission;
            }
            entered.incrementAndGet();
            inWindow.incrementAndGet();
            return dev.pasarela.pipeline.CallWindows.Admission.granted(() -> {
                inWindow.decrementAndGet();
                admission.call().leave();
            });
        };
        dev.pasarela.pipeline.BucketStore buckets = new dev.pasarela.pipeline.BucketStore() {
            @Override
            public Buckets buckets(String limit) {
                return memory.buckets(limit);
            }

            @Override
            public dev.pasarela.pipeline.CallWindows windows(String limit) {
                return counting;
            }
        };
        SenderShaping shaping = new SenderShaping(new SimpleMeterRegistry(), buckets);
        @SuppressWarnings("unchecked")
        OutboundSteps shaped = new OutboundSteps(mock(Outbox.class), messages, channels, new SimpleMeterRegistry(),
                mock(ObjectProvider.class), shaping);
        when(channels.send(any())).thenThrow(new dev.pasarela.pipeline.errors.TransientException("provider timed out"));
        exchange.setVariable(OutboundSteps.SENDER, "+34910000000");
        shaping.shape(exchange, "sms", 10);

        assertThatThrownBy(() -> shaped.send(exchange)).hasMessageContaining("provider timed out");
        verify(channels, times(1)).send(message);
        org.assertj.core.api.Assertions.assertThat(entered).as("calls that entered the window").hasValue(1);
        org.assertj.core.api.Assertions.assertThat(inWindow).as("calls still in the window").hasValue(0);
    }

    @Test
    void aStoreHiccupAfterTheProviderTookTheMessageIsRetriedWithoutASecondSend() throws Exception {
        when(messages.recordSubmitted("t1", "msg_1", "sms", "SM123"))
                .thenThrow(new StoreUnavailableException("down", null))
                .thenThrow(new StoreUnavailableException("down", null))
                .thenReturn("submitted");
        steps.send(exchange);
        verify(channels, times(1)).send(message);
        verify(messages, times(3)).recordSubmitted("t1", "msg_1", "sms", "SM123");
    }

    @Test
    void aStoreDownForEveryAttemptFailsTheStepAfterFiveRecords() {
        when(messages.recordSubmitted("t1", "msg_1", "sms", "SM123")).thenThrow(new StoreUnavailableException("down", null));
        assertThatThrownBy(() -> steps.send(exchange)).isInstanceOf(StoreUnavailableException.class);
        verify(channels, times(1)).send(message);
        verify(messages, times(5)).recordSubmitted("t1", "msg_1", "sms", "SM123");
    }

    /** A dead letter's cause names the exception's class for operators; the message's status history does not. */
    @org.junit.jupiter.api.Test
    void aDeadLetteredMessageRecordsItsCauseWithoutAJavaClassName() {
        org.assertj.core.api.Assertions.assertThat(OutboundSteps.withoutClassName(
                        "dev.pasarela.pipeline.errors.TransientException: Twilio unreachable: SocketTimeoutException"))
                .isEqualTo("Twilio unreachable: SocketTimeoutException");
        org.assertj.core.api.Assertions.assertThat(OutboundSteps.withoutClassName("java.lang.IllegalStateException: boom"))
                .isEqualTo("boom");
        org.assertj.core.api.Assertions.assertThat(OutboundSteps.withoutClassName("Graph: unavailable"))
                .isEqualTo("Graph: unavailable");
    }

    @Test
    void theAttemptIsCountedBeforeTheProviderIsCalledAndARefusalIsRecordedAsNotTaken() throws Exception {
        when(channels.send(any())).thenThrow(new RejectedByProviderException("21211", "not a valid number", false));
        steps.send(exchange);
        org.mockito.InOrder order = org.mockito.Mockito.inOrder(messages, channels);
        order.verify(messages).recordSendAttempt(org.mockito.ArgumentMatchers.eq("t1"),
                org.mockito.ArgumentMatchers.eq("msg_1"), org.mockito.ArgumentMatchers.eq("cpy_1"), any());
        order.verify(channels).send(message);
        order.verify(messages).recordNotTaken(org.mockito.ArgumentMatchers.eq("t1"),
                org.mockito.ArgumentMatchers.eq("msg_1"), org.mockito.ArgumentMatchers.eq("21211"), any());
        verify(messages, org.mockito.Mockito.never()).recordFailed(any(), any(), any(), any());
    }

    /** A coded permanent failure is recorded by the send step; its dead letter does not record it twice. */
    @Test
    void aFailureRecordedBeforeItsDeadLetterIsNotRecordedAgain() {
        when(messages.message("t1", "msg_1")).thenReturn(Optional.of(new Document("m", Map.of("status", "failed"))));
        Exchange dead = new DefaultExchange(new DefaultCamelContext());
        dead.getMessage().setHeader(dev.pasarela.pipeline.Variables.H_EVENT_TYPE, "sms.message");
        dead.getMessage().setHeader(dev.pasarela.pipeline.Variables.H_TENANT_ID, "t1");
        dead.getMessage().setHeader(dev.pasarela.pipeline.Variables.H_EVENT_KEY, "msg_1");
        steps.deadLettered(dead);
        verify(messages, org.mockito.Mockito.never()).recordFailed(any(), any(), any(), any());
        verify(messages, org.mockito.Mockito.never()).recordNotTaken(any(), any(), any(), any());
    }

    /** Read, checked and counted in one transaction: a message sent already, or failed and moved on, is not counted. */
    @Test
    void onlyAMessageTheStepGoesOnToSendIsCountedAsAnAttempt() throws Exception {
        org.assertj.core.api.Assertions.assertThat(OutboundSteps.sendable(new Document("m", Map.of("status", "accepted"))))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(OutboundSteps.sendable(new Document("m",
                Map.of("status", "submitted", "providerMessageId", "SM1")))).isFalse();
        org.assertj.core.api.Assertions.assertThat(OutboundSteps.sendable(new Document("m",
                Map.of("status", "failed", "notificationId", "n1")))).isFalse();
        org.assertj.core.api.Assertions.assertThat(OutboundSteps.sendable(new Document("m", Map.of("status", "failed"))))
                .isTrue(); // a dead letter replayed after an operator's fix
        when(messages.recordSendAttempt(org.mockito.ArgumentMatchers.eq("t1"), org.mockito.ArgumentMatchers.eq("msg_1"),
                org.mockito.ArgumentMatchers.eq("cpy_1"), any())).thenReturn(Optional.of(new Document("m", Map.of("status", "submitted", "providerMessageId", "SM1"))));
        steps.send(exchange);
        verify(channels, org.mockito.Mockito.never()).send(any());
    }

    /** A message queued twice (a retried Idempotency-Key): the copy that did not attempt first sends nothing. */
    @Test
    void aSecondQueuedCopyOfAMessageAnotherCopySendsIsNotSent() throws Exception {
        when(messages.recordSendAttempt(org.mockito.ArgumentMatchers.eq("t1"), org.mockito.ArgumentMatchers.eq("msg_1"),
                org.mockito.ArgumentMatchers.eq("cpy_1"), any()))
                .thenReturn(Optional.of(new Document("m", Map.of("status", "accepted", "sendingCopy", "cpy_0"))));
        steps.send(exchange);
        verify(channels, org.mockito.Mockito.never()).send(any());
        verify(messages, org.mockito.Mockito.never()).recordFailed(any(), any(), any(), any());
    }
}

package dev.pasarela.callbacks;

import dev.pasarela.pipeline.deliver.EventSink;
import dev.pasarela.messaging.ConversationSink;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.InboundMessage;
import dev.pasarela.pipeline.transform.PostActivity;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Publishes inbound messages and activity on the tenant's posts (comments, reactions) to the
 * tenant's own systems: each one is queued on {@code out.callbacks} (after {@link ConversationSink}
 * stored a message), and {@code callbacks.out.deliver}
 * posts it to the tenant's callback URL with the central retries and dead letters. At least once:
 * receivers dedupe on {@code eventId}.
 */
@Component
@Order(100)
public class CallbackSink implements EventSink {

    public static final String QUEUE = "out.callbacks";

    private final ProducerTemplate producer;
    private final ObjectMapper json;

    public CallbackSink(ProducerTemplate producer, ObjectMapper json) {
        this.producer = producer;
        this.json = json;
    }

    @Override
    public boolean accepts(CanonicalEvent event) {
        return event instanceof InboundMessage || event instanceof PostActivity;
    }

    @Override
    public void deliver(CanonicalEvent event) {
        if (event instanceof PostActivity a) {
            postActivity(a);
            return;
        }
        InboundMessage m = (InboundMessage) event;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "inbound_message");
        body.put("eventId", m.eventKey());
        body.put("tenantId", m.tenantId());
        body.put("channel", m.channel());
        body.put("messageId", m.messageId());
        body.put("from", m.contactId());
        body.put("contactName", m.contactName());
        body.put("kind", m.kind());
        body.put("content", m.content());
        body.put("replyTo", m.replyTo());
        body.put("sentAt", m.occurredAt().toString());
        post(m.tenantId(), m.eventKey(), "inbound_message", body);
    }

    /** {@code post_activity}: a comment, reaction or share on one of the tenant's posts. */
    private void postActivity(PostActivity a) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "post_activity");
        body.put("eventId", a.eventKey());
        body.put("tenantId", a.tenantId());
        body.put("channel", a.channel());
        body.put("postId", a.postId());
        body.put("item", a.item());
        body.put("verb", a.verb());
        body.put("itemId", a.itemId());
        body.put("parentId", a.parentId());
        body.put("authorId", a.authorId());
        body.put("authorName", a.authorName());
        body.put("text", a.text());
        body.put("occurredAt", a.occurredAt().toString());
        post(a.tenantId(), a.eventKey(), "post_activity", body);
    }

    /**
     * Queues any other event for the tenant's callback (a conversation analysed, handed to a person),
     * with the same retries and signature. {@code body} should carry {@code type} and {@code eventId}
     * too: receivers read them from the body as they do for inbound messages.
     *
     * @param eventId stable across redeliveries of what caused the event: receivers dedupe on it
     */
    public void post(String tenantId, String eventId, String type, Map<String, Object> body) {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        producer.sendBodyAndHeaders("jms:queue:" + QUEUE, ExchangePattern.InOnly, payload, Map.of(
                Variables.H_TENANT_ID, tenantId, Variables.H_EVENT_KEY, eventId,
                Variables.H_EVENT_TYPE, type, Variables.H_PROVIDER, "callbacks"));
    }
}

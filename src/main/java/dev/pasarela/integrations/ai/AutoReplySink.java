package dev.pasarela.integrations.ai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.deliver.EventSink;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.InboundMessage;
import java.util.Map;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Hands a customer's text message to the AI off the ingest path: when the tenant analyses inbound
 * messages or answers on the channel, an {@link AutoReplyJob} is queued on {@code jobs.ai} and
 * {@code ai.job.reply} does the rest. No model is called here, so a slow or failing provider
 * never holds up the delivery of webhooks. Runs after the conversation stored the message, which
 * the job reads.
 */
@Component
@Order(200)
public class AutoReplySink implements EventSink {

    public static final String QUEUE = "jobs.ai";

    private final AiSettingsStore settings;
    private final ProducerTemplate producer;
    private final ObjectMapper json;

    public AutoReplySink(AiSettingsStore settings, ProducerTemplate producer, ObjectMapper json) {
        this.settings = settings;
        this.producer = producer;
        this.json = json;
    }

    @Override
    public boolean accepts(CanonicalEvent event) {
        return event instanceof InboundMessage m && AiSettings.CHANNELS.contains(m.channel())
                && !"system".equals(m.kind()) && m.content() != null && m.content().get("text") instanceof String t
                && !t.isBlank();
    }

    @Override
    public void deliver(CanonicalEvent event) {
        InboundMessage m = (InboundMessage) event;
        boolean wanted = settings.find(m.tenantId())
                .map(s -> s.autoReplies().analyzeInbound() || s.autoReplies().on(m.channel())).orElse(false);
        if (!wanted) {
            return;
        }
        AutoReplyJob job = new AutoReplyJob(m.tenantId(), m.channel(), m.contactId(), m.messageId(), m.eventKey());
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        producer.sendBodyAndHeaders("jms:queue:" + QUEUE, ExchangePattern.InOnly, payload, Map.of(
                Variables.H_TENANT_ID, m.tenantId(), Variables.H_EVENT_KEY, m.eventKey(),
                Variables.H_EVENT_TYPE, "ai.auto-reply", Variables.H_PROVIDER, "ai"));
    }
}

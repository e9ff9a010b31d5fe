package dev.pasarela.integrations.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.pipeline.transform.EventMapper;
import dev.pasarela.pipeline.transform.EventTimes;
import dev.pasarela.pipeline.transform.QueuedEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * SendGrid events → {@link DeliveryStatus} on channel {@code email}. The message id is the
 * {@code X-Message-Id} the send returned: {@code sg_message_id} up to its first '.'. A
 * {@code bounce} of type {@code blocked} (the receiving server refused, often for reputation) is
 * not a hard bounce; one of type {@code bounce} is, and SendGrid suppresses that address too.
 */
@Component
public class SendGridEventMapper implements EventMapper {

    private final ObjectMapper json;

    public SendGridEventMapper(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String provider() {
        return SendGridWebhookInterpreter.PROVIDER;
    }

    @Override
    public List<CanonicalEvent> map(QueuedEvent q) {
        JsonNode e;
        try {
            e = json.readTree(q.payload()).path(0); // a one-event array (see SendGridWebhookInterpreter)
        } catch (IOException ex) {
            throw new PermanentException("SendGrid event is not valid JSON", ex);
        }
        String event = e.path("event").asText();
        String status;
        String code = null;
        String title = null;
        String bounceType = null;
        switch (event) {
            case "processed" -> status = "processed";
            case "delivered" -> status = "delivered";
            case "open" -> status = "opened";
            case "click" -> status = "clicked";
            case "spamreport" -> status = "complained";
            case "deferred" -> {
                status = "deferred";
                code = "deferred";
                title = e.path("response").asText(null);
            }
            case "dropped" -> {
                status = "dropped";
                code = "dropped";
                title = e.path("reason").asText(null);
            }
            case "bounce" -> {
                status = "bounced";
                bounceType = "blocked".equals(e.path("type").asText()) ? "blocked" : "hard";
                code = e.path("status").asText(bounceType);
                title = e.path("reason").asText(null);
            }
            default -> throw new PermanentException("SendGrid event " + event + " is not processed");
        }
        String email = e.path("email").asText(null);
        if (email == null || !e.path("timestamp").canConvertToLong()) {
            throw new PermanentException("SendGrid event " + q.eventKey() + " has no email or timestamp");
        }
        return List.of(new DeliveryStatus(q.tenantId(), q.eventKey(), provider(),
                EventTimes.seconds("SendGrid event timestamp", e.path("timestamp").asLong()), "email", messageId(e), email,
                dev.pasarela.pipeline.transform.DeliveryState.of(status), event, code, title, bounceType));
    }

    /** {@code LRzXl_NHStOGhQ4kofSm_A.filterdrecv-…} → {@code LRzXl_NHStOGhQ4kofSm_A}; else the smtp-id. */
    static String messageId(JsonNode e) {
        String sg = e.path("sg_message_id").asText("");
        if (!sg.isBlank()) {
            int dot = sg.indexOf('.');
            return dot > 0 ? sg.substring(0, dot) : sg;
        }
        String smtp = e.path("smtp-id").asText("").replace("<", "").replace(">", "");
        int at = smtp.indexOf('@');
        if (at > 0) {
            return smtp.substring(0, at);
        }
        throw new PermanentException("SendGrid event without sg_message_id or smtp-id");
    }
}

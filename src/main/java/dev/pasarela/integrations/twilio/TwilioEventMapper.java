package dev.pasarela.integrations.twilio;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.integrations.twilio.TwilioWebhookInterpreter.Envelope;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.DeliveryStatus;
import dev.pasarela.pipeline.transform.EventMapper;
import dev.pasarela.pipeline.transform.InboundMessage;
import dev.pasarela.pipeline.transform.QueuedEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Twilio status callbacks → {@link DeliveryStatus} and inbound SMS/MMS → {@link InboundMessage},
 * channel {@code sms}. Twilio stamps neither with a time, so both carry the time the gateway
 * received them. Opt-out keywords are not acted on here: the message is stored with Twilio's
 * {@code OptOutType} when Advanced Opt-Out set one.
 */
@Component
public class TwilioEventMapper implements EventMapper {

    /** Titles of the error codes a status callback carries most (twilio.com/docs/api/errors). */
    private static final Map<String, String> ERRORS = Map.ofEntries(
            Map.entry("21610", "Attempt to send to unsubscribed recipient"),
            Map.entry("21211", "Invalid 'To' phone number"),
            Map.entry("21614", "'To' number is not a valid mobile number"),
            Map.entry("30001", "Queue overflow"),
            Map.entry("30002", "Account suspended"),
            Map.entry("30003", "Unreachable destination handset"),
            Map.entry("30004", "Message blocked"),
            Map.entry("30005", "Unknown destination handset"),
            Map.entry("30006", "Landline or unreachable carrier"),
            Map.entry("30007", "Message filtered"),
            Map.entry("30008", "Unknown error"),
            Map.entry("30034", "Message from an unregistered number"));

    private final ObjectMapper json;

    public TwilioEventMapper(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String provider() {
        return TwilioWebhookInterpreter.PROVIDER;
    }

    @Override
    public List<CanonicalEvent> map(QueuedEvent q) {
        Envelope e;
        Instant at;
        try {
            e = json.readValue(q.payload(), Envelope.class);
            at = Instant.parse(e.receivedAt());
        } catch (IOException | NullPointerException | DateTimeParseException unreadable) {
            throw new PermanentException("Twilio event " + q.eventKey() + " cannot be read", unreadable);
        }
        return switch (q.eventType()) {
            case "twilio.status" -> List.of(status(q, e, at));
            case "twilio.message" -> List.of(inbound(q, e, at));
            default -> throw new PermanentException("Twilio event type " + q.eventType() + " is not processed");
        };
    }

    private DeliveryStatus status(QueuedEvent q, Envelope e, Instant at) {
        String status = e.param("MessageStatus") != null ? e.param("MessageStatus") : e.param("SmsStatus");
        String code = e.param("ErrorCode");
        String title = code == null ? null : ERRORS.getOrDefault(code, e.param("ErrorMessage"));
        return new DeliveryStatus(q.tenantId(), q.eventKey(), provider(), at, "sms", sid(e), e.param("To"),
                dev.pasarela.pipeline.transform.DeliveryState.of(status), status, code, title);
    }

    private InboundMessage inbound(QueuedEvent q, Envelope e, Instant at) {
        String from = e.param("From");
        if (from == null) {
            throw new PermanentException("Twilio inbound message " + sid(e) + " has no From");
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("text", e.params().getOrDefault("Body", ""));
        int media = parseInt(e.param("NumMedia"));
        if (media > 0) {
            List<Map<String, String>> items = new ArrayList<>();
            for (int i = 0; i < media; i++) {
                Map<String, String> item = new LinkedHashMap<>();
                item.put("url", e.param("MediaUrl" + i));
                item.put("contentType", e.param("MediaContentType" + i));
                items.add(item);
            }
            content.put("media", items);
        }
        if (e.param("OptOutType") != null) {
            content.put("optOutType", e.param("OptOutType"));
        }
        content.put("to", e.param("To"));
        return new InboundMessage(q.tenantId(), q.eventKey(), provider(), at, "sms", sid(e), from, null,
                media > 0 ? "media" : "text", content, null);
    }

    private static String sid(Envelope e) {
        return e.param("MessageSid") != null ? e.param("MessageSid") : e.param("SmsSid");
    }

    private static int parseInt(String s) {
        try {
            return s == null ? 0 : Math.max(0, Math.min(10, Integer.parseInt(s))); // Twilio sends at most 10
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

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
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Resend events → {@link DeliveryStatus} on channel {@code email}. Resend's bounce types are SES's:
 * {@code Permanent} (hard), {@code Transient} (soft), {@code Undetermined}. An event for several
 * recipients names none of them as the one that bounced, so it carries no recipient.
 */
@Component
public class ResendEventMapper implements EventMapper {

    private final ObjectMapper json;

    public ResendEventMapper(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public String provider() {
        return ResendWebhookInterpreter.PROVIDER;
    }

    @Override
    public List<CanonicalEvent> map(QueuedEvent q) {
        JsonNode event;
        try {
            event = json.readTree(q.payload()).path("event"); // see ResendWebhookInterpreter
        } catch (IOException ex) {
            throw new PermanentException("Resend event is not valid JSON", ex);
        }
        JsonNode data = event.path("data");
        String code = null;
        String title = null;
        String bounceType = null;
        String status = switch (event.path("type").asText()) {
            case "email.scheduled" -> "queued";
            case "email.sent" -> "sent";
            case "email.delivered" -> "delivered";
            case "email.delivery_delayed" -> "deferred";
            case "email.opened" -> "opened";
            case "email.clicked" -> "clicked";
            case "email.complained" -> "complained";
            case "email.bounced" -> "bounced";
            case "email.failed" -> "failed";
            default -> throw new PermanentException("Resend event " + event.path("type").asText() + " is not processed");
        };
        if (status.equals("bounced")) {
            JsonNode bounce = data.path("bounce");
            bounceType = switch (bounce.path("type").asText("").toLowerCase(Locale.ROOT)) {
                case "permanent" -> "hard";
                case "transient" -> "soft";
                default -> "undetermined";
            };
            code = bounce.path("subType").asText(bounceType);
            title = bounce.path("message").asText(null);
        } else if (status.equals("failed")) {
            code = "failed";
            title = data.path("failed").path("reason").asText(null);
        }
        String emailId = data.path("email_id").asText(null);
        if (emailId == null || emailId.isBlank()) {
            throw new PermanentException("Resend event " + q.eventKey() + " has no email_id");
        }
        return List.of(new DeliveryStatus(q.tenantId(), q.eventKey(), provider(), time(event), "email", emailId,
                recipient(data.path("to")), dev.pasarela.pipeline.transform.DeliveryState.of(status), event.path("type").asText(), code, title,
                bounceType));
    }

    private static String recipient(JsonNode to) {
        if (to.isTextual()) {
            return to.asText();
        }
        return to.isArray() && to.size() == 1 ? to.path(0).asText(null) : null;
    }

    /** The envelope's ISO time; Resend's data.created_at uses a Postgres-like form, read as a fallback. */
    private static Instant time(JsonNode event) {
        for (String raw : List.of(event.path("created_at").asText(""), event.path("data").path("created_at").asText(""))) {
            if (raw.isBlank()) {
                continue;
            }
            try {
                return EventTimes.check("Resend created_at", Instant.parse(raw));
            } catch (DateTimeParseException notInstant) {
                try {
                    String iso = raw.replace(' ', 'T').replaceFirst("([+-]\\d\\d)$", "$1:00");
                    return EventTimes.check("Resend created_at", OffsetDateTime.parse(iso).toInstant());
                } catch (DateTimeParseException ignored) {
                    // try the next one
                }
            }
        }
        throw new PermanentException("Resend event has no readable created_at");
    }
}

package dev.pasarela.integrations.twilio;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.Outbox;
import dev.pasarela.messaging.OutboxResponses;
import dev.pasarela.api.limits.Metered;
import dev.pasarela.api.ApiCaller;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/sms/messages}: one SMS (or MMS with a media URL), queued on {@code out.sms}. */
@RestController
public class SmsController {


    private final Outbox outbox;
    private final OutboxResponses responses;

    public SmsController(Outbox outbox, OutboxResponses responses) {
        this.outbox = outbox;
        this.responses = responses;
    }

    @PostMapping("/api/v1/sms/messages")
    @Metered("sms")
    ResponseEntity<Map<String, Object>> send(@RequestBody Map<String, Object> body,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        String tenantId = ApiCaller.current().tenantId();
        String to = body.get("to") instanceof String s ? s : null;
        if (to == null || !OutboxResponses.E164.matcher(to).matches()) {
            throw invalid("to must be an E.164 number with '+' and the country code.");
        }
        String text = body.get("body") instanceof String s && !s.isBlank() ? s : null;
        if (text == null || text.length() > 1600) {
            throw invalid("body is required, at most 1600 characters (Twilio's limit).");
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("type", "text");
        request.put("text", Map.of("body", text));
        if (body.get("mediaUrl") instanceof String media) {
            if (!media.startsWith("https://")) {
                throw invalid("mediaUrl must be an https URL.");
            }
            request.put("mediaUrl", media);
        }
        Outbox.Accepted a = outbox.accept(tenantId, "sms", to, request, key,
                () -> responses.refuseOptedOut(tenantId, "sms", to));
        return responses.accepted(tenantId, "sms", a);
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }
}

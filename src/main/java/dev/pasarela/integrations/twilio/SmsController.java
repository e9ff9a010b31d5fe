package dev.pasarela.integrations.twilio;

import dev.pasarela.api.limits.Metered;
import dev.pasarela.messaging.OutboxResponses;
import jakarta.validation.Valid;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/sms/messages}: one SMS (or MMS with a media URL), queued on {@code out.sms}. */
@RestController
public class SmsController {

    private final OutboxResponses outbox;
    private final SmsChannel sms;

    public SmsController(OutboxResponses outbox, SmsChannel sms) {
        this.outbox = outbox;
        this.sms = sms;
    }

    @PostMapping("/api/v1/sms/messages")
    @Metered("sms")
    ResponseEntity<Map<String, Object>> send(@Valid @RequestBody SmsMessage body,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return outbox.send(sms, body.to(), body.request(), key);
    }
}

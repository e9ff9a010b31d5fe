package dev.pasarela.integrations.email;

import dev.pasarela.api.limits.Metered;
import dev.pasarela.messaging.OutboxResponses;
import jakarta.validation.Valid;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/email/messages}: a template id (SendGrid's {@code d-…}, Resend's, or one
 * of each) with its data, or a subject and HTML; queued on {@code out.email}. An address that
 * hard-bounced or complained is refused.
 */
@RestController
public class EmailController {

    private final OutboxResponses outbox;
    private final EmailChannel email;

    public EmailController(OutboxResponses outbox, EmailChannel email) {
        this.outbox = outbox;
        this.email = email;
    }

    @PostMapping("/api/v1/email/messages")
    @Metered("email")
    ResponseEntity<Map<String, Object>> send(@Valid @RequestBody EmailRequest body,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return outbox.send(email, body.to().trim(), body, key);
    }
}

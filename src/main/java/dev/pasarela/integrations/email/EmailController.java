package dev.pasarela.integrations.email;

import dev.pasarela.messaging.SuppressionSink;
import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.Outbox;
import dev.pasarela.messaging.OutboxResponses;
import dev.pasarela.api.limits.Metered;
import dev.pasarela.api.ApiCaller;
import dev.pasarela.store.DocumentStore;
import java.util.LinkedHashMap;
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

    private final Outbox outbox;
    private final OutboxResponses responses;
    private final DocumentStore store;

    public EmailController(Outbox outbox, OutboxResponses responses, DocumentStore store) {
        this.outbox = outbox;
        this.responses = responses;
        this.store = store;
    }

    @PostMapping("/api/v1/email/messages")
    @Metered("email")
    ResponseEntity<Map<String, Object>> send(@RequestBody Map<String, Object> body,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        String tenantId = ApiCaller.current().tenantId();
        String to = body.get("to") instanceof String s ? s.trim() : null;
        if (to == null || !OutboxResponses.EMAIL.matcher(to).matches()) {
            throw invalid("to must be one email address.");
        }
        Map<String, Object> request = request(body);
        Outbox.Accepted a = outbox.accept(tenantId, "email", to, request, key, () -> refuseSuppressed(store, tenantId, to));
        return responses.accepted(tenantId, "email", a);
    }

    /** The queued form of an email: {@code template} (an id, or {@code {sendgrid|resend: id}}), data, subject, html, text. */
    public static Map<String, Object> request(Map<String, Object> body) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("type", "email");
        Object template = body.get("template");
        if (template instanceof String id && !id.isBlank()) {
            request.put("template", id); // whose it is, the sender tells (EmailSender.template)
        } else if (template instanceof Map<?, ?> ids && !ids.isEmpty()
                && ids.keySet().stream().allMatch(k -> k.equals("sendgrid") || k.equals("resend"))
                && ids.values().stream().allMatch(v -> v instanceof String s && !s.isBlank())) {
            request.put("template", ids);
        } else if (template != null) {
            throw invalid("template is a template id, or {\"sendgrid\": \"d-…\", \"resend\": \"…\"}.");
        }
        if (body.get("data") instanceof Map<?, ?> data) {
            request.put("data", data);
        }
        for (String f : new String[] {"subject", "html", "text"}) {
            if (body.get(f) instanceof String s && !s.isBlank()) {
                request.put(f, s);
            }
        }
        if (!request.containsKey("template") && !(request.containsKey("subject") && request.containsKey("html"))) {
            throw invalid("Give a template (with data) or a subject and html.");
        }
        return request;
    }

    public static void refuseSuppressed(DocumentStore store, String tenantId, String address) {
        store.get(SuppressionSink.path(tenantId, address)).ifPresent(d -> {
            throw new ProblemException(422, "recipient-suppressed", "Recipient suppressed",
                    address + " is suppressed for this tenant (" + d.field("reason") + " at " + d.field("at")
                            + "); email to it is not sent.");
        });
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }
}

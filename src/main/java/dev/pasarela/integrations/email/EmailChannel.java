package dev.pasarela.integrations.email;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.NotificationCandidate;
import dev.pasarela.messaging.NotificationChannel;
import dev.pasarela.messaging.NotificationDraft;
import dev.pasarela.messaging.OutboundMessage;
import dev.pasarela.messaging.Recipients;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Email through SendGrid or Resend ({@link EmailSender}). Its rules: a template id is SendGrid's
 * ({@code d-…}) or Resend's, or one of each; without one, a subject and HTML; nothing to an address
 * that hard-bounced or complained (the tenant's suppressions).
 */
@Component
public class EmailChannel implements NotificationChannel<EmailRequest> {

    static final String NAME = "email";

    private final Recipients recipients;
    private final EmailSender sender;

    public EmailChannel(Recipients recipients, EmailSender sender) {
        this.recipients = recipients;
        this.sender = sender;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<EmailRequest> requestType() {
        return EmailRequest.class;
    }

    @Override
    public EmailRequest validate(EmailRequest r) {
        Object template = r.template();
        if (template instanceof String id && !id.isBlank()) {
            template = id; // whose it is, the sender tells (EmailSender.template)
        } else if (template instanceof Map<?, ?> ids && !ids.isEmpty()
                && ids.keySet().stream().allMatch(k -> k.equals("sendgrid") || k.equals("resend"))
                && ids.values().stream().allMatch(v -> v instanceof String s && !s.isBlank())) {
            template = ids;
        } else if (template != null) {
            throw invalid("template is a template id, or {\"sendgrid\": \"d-…\", \"resend\": \"…\"}.");
        }
        EmailRequest checked = new EmailRequest(r.to() == null ? null : r.to().trim(), null, template, r.data(),
                blankToNull(r.subject()), blankToNull(r.html()), blankToNull(r.text()));
        if (checked.template() == null && (checked.subject() == null || checked.html() == null)) {
            throw invalid("Give a template (with data) or a subject and html.");
        }
        return checked;
    }

    @Override
    public void checkAcceptable(String tenantId, String to, EmailRequest request) {
        recipients.refuseSuppressed(tenantId, to);
    }

    /** The kind's template with the data, else its subject and HTML (the text as a paragraph when it has no HTML). */
    @Override
    public NotificationCandidate candidate(NotificationDraft n) {
        if (n.email() == null) {
            return NotificationCandidate.skipped("no-email");
        }
        if (recipients.suppression(n.tenantId(), n.email()).isPresent()) {
            return NotificationCandidate.skipped("suppressed");
        }
        String template = n.emailTemplateId();
        boolean written = n.subject() != null && n.html() != null;
        if (template == null && !written) {
            return NotificationCandidate.skipped("no-email-content");
        }
        return NotificationCandidate.send(n.email(), new EmailRequest(null, null, template,
                template == null ? null : n.data(), written ? n.subject() : null, written ? n.html() : null,
                written ? n.text() : null));
    }

    @Override
    public String configurationNeeded() {
        return "an email provider key: the vault credential 'sendgrid' or 'resend' with apiKey, "
                + "or SENDGRID_API_KEY / RESEND_API_KEY";
    }

    @Override
    public boolean canSend(String tenantId) {
        return sender.canSend(tenantId);
    }

    @Override
    public String senderKey(OutboundMessage m) {
        return sender.senderKey(m);
    }

    @Override
    public String send(OutboundMessage m, EmailRequest request) {
        return sender.send(m);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }
}

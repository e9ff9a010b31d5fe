package dev.pasarela.integrations.meta;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.NotificationCandidate;
import dev.pasarela.messaging.NotificationChannel;
import dev.pasarela.messaging.NotificationDraft;
import dev.pasarela.messaging.OutboundMessage;
import dev.pasarela.messaging.Recipients;
import dev.pasarela.store.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * WhatsApp through the Cloud API. Its rules are Meta's: free-form messages only inside the
 * customer-service window (the contact wrote within {@code pasarela.messaging.service-window}),
 * approved templates outside it, nothing to a contact who opted out. The contact's id on WhatsApp
 * ({@code wa_id}) is the number without '+'.
 */
@Component
public class WhatsAppChannel implements NotificationChannel<WhatsAppRequest> {

    static final String NAME = "whatsapp";
    /** The language of a notification's template when the texts name none: the dealerships' own. */
    private static final String DEFAULT_LANGUAGE = "es_MX";

    private final Recipients recipients;
    private final WhatsAppTemplates templates;
    private final MetaSenders senders;

    public WhatsAppChannel(Recipients recipients, WhatsAppTemplates templates, MetaSenders senders) {
        this.recipients = recipients;
        this.templates = templates;
        this.senders = senders;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<WhatsAppRequest> requestType() {
        return WhatsAppRequest.class;
    }

    @Override
    public WhatsAppRequest validate(WhatsAppRequest r) {
        String type = r.type() == null ? "" : r.type();
        WhatsAppRequest.Text text = null;
        WhatsAppRequest.Template template = null;
        WhatsAppRequest.Media image = null;
        WhatsAppRequest.Media document = null;
        switch (type) {
            case "text" -> {
                String body = r.text() == null ? null : blankToNull(r.text().body());
                if (body == null || body.length() > 4096) {
                    throw invalid("text.body is required, at most 4096 characters.");
                }
                text = new WhatsAppRequest.Text(body, r.text().previewUrl());
            }
            case "template" -> {
                WhatsAppRequest.Template t = r.template();
                String name = t == null ? null : blankToNull(t.name());
                String language = t == null ? null : blankToNull(t.language());
                if (name == null || language == null || !name.matches("[a-z0-9_]{1,512}")
                        || !language.matches("[a-z]{2,3}(_[A-Z]{2})?")) {
                    throw invalid("template.name (a-z, 0-9, '_') and template.language (such as es_MX) are required.");
                }
                template = new WhatsAppRequest.Template(name, language, t.components());
            }
            case "image", "document" -> {
                WhatsAppRequest.Media given = type.equals("image") ? r.image() : r.document();
                String link = given == null ? null : blankToNull(given.link());
                if (link == null || !link.startsWith("https://")) {
                    throw invalid(type + ".link must be an https URL Meta can fetch.");
                }
                // WhatsApp shows a file name for documents only
                WhatsAppRequest.Media media = new WhatsAppRequest.Media(link, blankToNull(given.caption()),
                        type.equals("document") ? blankToNull(given.filename()) : null);
                if (type.equals("image")) {
                    image = media;
                } else {
                    document = media;
                }
            }
            default -> throw invalid("type must be text, template, image or document.");
        }
        return new WhatsAppRequest(r.to(), type, text, template, image, document, blankToNull(r.replyTo()));
    }

    @Override
    public void checkAcceptable(String tenantId, String to, WhatsAppRequest r) {
        Optional<Document> conversation = recipients.conversation(tenantId, NAME, waId(to));
        Recipients.refuseOptedOut(conversation);
        if (r.type().equals("template")) {
            refuseUnapproved(tenantId, r.template());
        } else if (!recipients.insideServiceWindow(conversation)) {
            throw new ProblemException(422, "template-required", "Template required",
                    "More than 24 hours have passed since the recipient last wrote (or they never did): WhatsApp "
                            + "only delivers approved templates outside the customer-service window. Send type "
                            + "template instead.");
        }
    }

    private void refuseUnapproved(String tenantId, WhatsAppRequest.Template t) {
        templates.status(tenantId, t.name(), t.language()).filter(status -> !status.equals("APPROVED"))
                .ifPresent(status -> {
                    throw new ProblemException(422, "template-not-approved", "Template not approved",
                            "Template " + t.name() + " (" + t.language() + ") is " + status
                                    + "; only APPROVED templates can be sent.");
                });
    }

    /**
     * The text inside the window; outside it, the kind's template with the data's values as its body
     * parameters, unless Meta is known not to have approved it (it would refuse it).
     */
    @Override
    public NotificationCandidate candidate(NotificationDraft n) {
        if (n.phone() == null) {
            return NotificationCandidate.skipped("no-phone");
        }
        Optional<Document> conversation = recipients.conversation(n.tenantId(), NAME, waId(n.phone()));
        if (Recipients.optedOut(conversation)) {
            return NotificationCandidate.skipped("opted-out");
        }
        if (n.text() != null && recipients.insideServiceWindow(conversation)) {
            return NotificationCandidate.send(n.phone(), WhatsAppRequest.text(n.text()));
        }
        if (n.whatsappTemplate() == null) {
            return NotificationCandidate.skipped("outside-window-no-template");
        }
        String language = n.whatsappLanguage() == null ? DEFAULT_LANGUAGE : n.whatsappLanguage();
        boolean unapproved = templates.status(n.tenantId(), n.whatsappTemplate(), language)
                .filter(status -> !status.equals("APPROVED")).isPresent();
        if (unapproved) {
            return NotificationCandidate.skipped("template-not-approved");
        }
        List<Object> parameters = new ArrayList<>();
        for (String key : n.whatsappParams()) {
            parameters.add(Map.of("type", "text", "text", String.valueOf(n.data().getOrDefault(key, ""))));
        }
        List<Object> components = parameters.isEmpty() ? null
                : List.of(Map.of("type", "body", "parameters", parameters));
        return NotificationCandidate.send(n.phone(), WhatsAppRequest.template(
                new WhatsAppRequest.Template(n.whatsappTemplate(), language, components)));
    }

    @Override
    public String configurationNeeded() {
        return "a WhatsApp sender: the vault credential 'whatsapp' with accessToken, and the tenant's "
                + "whatsapp identity (phone number id) or the credential's phoneNumberId";
    }

    @Override
    public boolean canSend(String tenantId) {
        return senders.canSend(NAME, tenantId);
    }

    @Override
    public String senderKey(OutboundMessage m) {
        return senders.senderKey(NAME, m.tenantId());
    }

    @Override
    public String send(OutboundMessage m, WhatsAppRequest request) {
        return senders.send(NAME, m, MetaSenders.whatsapp(m, request));
    }

    /** Conversations on WhatsApp are keyed by the contact's {@code wa_id}, sends take E.164. */
    @Override
    public String contactId(String to) {
        return waId(to);
    }

    @Override
    public String address(String contactId) {
        return contactId.startsWith("+") ? contactId : "+" + contactId;
    }

    @Override
    public WhatsAppRequest text(String body) {
        return WhatsAppRequest.text(body);
    }

    /** WhatsApp's contact id: the number without '+'. */
    private static String waId(String e164) {
        return e164.substring(1);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }
}

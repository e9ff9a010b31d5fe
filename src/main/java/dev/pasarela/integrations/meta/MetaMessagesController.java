package dev.pasarela.integrations.meta;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.Outbox;
import dev.pasarela.messaging.OutboxResponses;
import dev.pasarela.api.limits.Metered;
import dev.pasarela.api.ApiCaller;
import dev.pasarela.store.Document;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Sending on WhatsApp, Messenger and Instagram, and WhatsApp templates. A send is checked against
 * the rules Meta enforces (opt-out, the 24-hour window, an unapproved template) before it is
 * accepted, then queued ({@code out.<channel>}) and answered 202 with our message id; its status
 * history is at {@code GET /api/v1/messages/{id}}.
 */
@RestController
public class MetaMessagesController {

    private static final Pattern SCOPED_ID = Pattern.compile("[0-9]{1,40}");
    /** Messenger tags allowed outside the 24 h window (no promotional content). */
    private static final Set<String> TAGS = Set.of("HUMAN_AGENT", "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE",
            "POST_PURCHASE_UPDATE");
    private static final Set<String> TEMPLATE_ADMINS = Set.of("owner", "admin", "service");

    private final Outbox outbox;
    private final OutboxResponses responses;
    private final WhatsAppTemplates templates;
    private final Duration window;

    public MetaMessagesController(Outbox outbox, OutboxResponses responses, WhatsAppTemplates templates,
                                  @Value("${pasarela.messaging.service-window:PT24H}") Duration window) {
        this.outbox = outbox;
        this.responses = responses;
        this.templates = templates;
        this.window = window;
    }

    @PostMapping("/api/v1/whatsapp/messages")
    @Metered("whatsapp")
    ResponseEntity<Map<String, Object>> whatsapp(@RequestBody Map<String, Object> body,
                                                 @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        String tenantId = ApiCaller.current().tenantId();
        String to = string(body, "to");
        if (to == null || !OutboxResponses.E164.matcher(to).matches()) {
            throw invalid("to must be an E.164 number with '+' and the country code, such as +5215512345678.");
        }
        String type = string(body, "type");
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("type", type);
        Map<String, Object> content = object(body, type == null ? "" : type);
        switch (type == null ? "" : type) {
            case "text" -> {
                String text = string(content, "body");
                if (text == null || text.length() > 4096) {
                    throw invalid("text.body is required, at most 4096 characters.");
                }
                request.put("text", content.get("previewUrl") == null ? Map.of("body", text)
                        : Map.of("body", text, "previewUrl", Boolean.TRUE.equals(content.get("previewUrl"))));
            }
            case "template" -> {
                String name = string(content, "name");
                String language = string(content, "language");
                if (name == null || language == null || !name.matches("[a-z0-9_]{1,512}")
                        || !language.matches("[a-z]{2,3}(_[A-Z]{2})?")) {
                    throw invalid("template.name (a-z, 0-9, '_') and template.language (such as es_MX) are required.");
                }
                Map<String, Object> template = new LinkedHashMap<>();
                template.put("name", name);
                template.put("language", language);
                if (content.get("components") != null) {
                    if (!(content.get("components") instanceof List<?>)) {
                        throw invalid("template.components must be a list, as in Meta's template message.");
                    }
                    template.put("components", content.get("components"));
                }
                request.put("template", template);
            }
            case "image", "document" -> {
                String link = string(content, "link");
                if (link == null || !link.startsWith("https://")) {
                    throw invalid(type + ".link must be an https URL Meta can fetch.");
                }
                Map<String, Object> media = new LinkedHashMap<>();
                media.put("link", link);
                for (String f : List.of("caption", "filename")) {
                    if (string(content, f) != null && !(f.equals("filename") && type.equals("image"))) {
                        media.put(f, string(content, f));
                    }
                }
                request.put(type, media);
            }
            default -> throw invalid("type must be text, template, image or document.");
        }
        if (string(body, "replyTo") != null) {
            request.put("replyTo", string(body, "replyTo"));
        }
        String contact = to.substring(1); // WhatsApp's wa_id: the number without '+'
        return accepted(tenantId, "whatsapp", to, request, key, () -> {
            Optional<Document> conversation = outbox.conversation(tenantId, "whatsapp", contact);
            OutboxResponses.refuseOptedOut(conversation, to);
            if (type.equals("template")) {
                Map<?, ?> t = (Map<?, ?>) request.get("template");
                templates.status(tenantId, (String) t.get("name"), (String) t.get("language"))
                        .filter(status -> !status.equals("APPROVED")).ifPresent(status -> {
                            throw new ProblemException(422, "template-not-approved", "Template not approved",
                                    "Template " + t.get("name") + " (" + t.get("language") + ") is " + status
                                            + "; only APPROVED templates can be sent.");
                        });
            } else if (!insideWindow(conversation)) {
                throw new ProblemException(422, "template-required", "Template required",
                        "More than 24 hours have passed since " + to + " last wrote (or they never did): WhatsApp "
                                + "only delivers approved templates outside the customer-service window. Send type "
                                + "template instead.");
            }
        });
    }

    @PostMapping("/api/v1/messenger/messages")
    @Metered("social-messages")
    ResponseEntity<Map<String, Object>> messenger(@RequestBody Map<String, Object> body,
                                                  @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return messaging("messenger", body, key);
    }

    @PostMapping("/api/v1/instagram/messages")
    @Metered("social-messages")
    ResponseEntity<Map<String, Object>> instagram(@RequestBody Map<String, Object> body,
                                                  @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return messaging("instagram", body, key);
    }

    @GetMapping("/api/v1/whatsapp/templates")
    WhatsAppTemplates.Listing templates(@RequestParam(name = "refresh", defaultValue = "false") boolean refresh) {
        return templates.list(ApiCaller.current().tenantId(), refresh);
    }

    @PostMapping("/api/v1/whatsapp/templates")
    ResponseEntity<Map<String, Object>> submitTemplate(@RequestBody Map<String, Object> body) {
        String tenantId = ApiCaller.current().requireRole(TEMPLATE_ADMINS).tenantId();
        return ResponseEntity.status(201).body(templates.submit(tenantId, body));
    }

    private ResponseEntity<Map<String, Object>> messaging(String channel, Map<String, Object> body, String key) {
        String tenantId = ApiCaller.current().tenantId();
        String to = string(body, "to");
        if (to == null || !SCOPED_ID.matcher(to).matches()) {
            throw invalid("to must be the contact's page-scoped id (" + (channel.equals("messenger") ? "PSID" : "IGSID")
                    + "), as received in their messages.");
        }
        Map<String, Object> request = new LinkedHashMap<>();
        String type = string(body, "type") == null ? "text" : string(body, "type");
        request.put("type", type);
        Map<String, Object> content = object(body, type);
        switch (type) {
            case "text" -> {
                String text = string(content, "body");
                if (text == null || text.length() > 2000) {
                    throw invalid("text.body is required, at most 2000 characters.");
                }
                request.put("text", Map.of("body", text));
            }
            case "image" -> {
                String link = string(content, "link");
                if (link == null || !link.startsWith("https://")) {
                    throw invalid("image.link must be an https URL.");
                }
                request.put("image", Map.of("link", link));
            }
            default -> throw invalid("type must be text or image.");
        }
        String tag = string(body, "tag");
        if (tag != null) {
            if (!TAGS.contains(tag)) {
                throw invalid("tag must be one of " + TAGS + ".");
            }
            request.put("tag", tag);
        }
        return accepted(tenantId, channel, to, request, key, () -> {
            Optional<Document> conversation = outbox.conversation(tenantId, channel, to);
            OutboxResponses.refuseOptedOut(conversation, to);
            if (tag == null && !insideWindow(conversation)) {
                throw new ProblemException(422, "message-tag-required", "Message tag required",
                        "More than 24 hours have passed since " + to + " last wrote: Meta only delivers messages "
                                + "with a message tag (" + TAGS + ") outside the standard messaging window.");
            }
        });
    }

    private ResponseEntity<Map<String, Object>> accepted(String tenantId, String channel, String to,
                                                         Map<String, Object> request, String key, Runnable checks) {
        return responses.accepted(tenantId, channel, outbox.accept(tenantId, channel, to, request, key, checks));
    }

    private boolean insideWindow(Optional<Document> conversation) {
        Object last = conversation.map(d -> d.field("lastInboundAt")).orElse(null);
        return last != null && Instant.parse(last.toString()).plus(window).isAfter(Instant.now());
    }

    private static String string(Map<String, Object> body, String field) {
        return body != null && body.get(field) instanceof String s && !s.isBlank() ? s : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> body, String field) {
        return body.get(field) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }
}

package dev.pasarela.integrations.meta;

import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.limits.Metered;
import dev.pasarela.messaging.OutboxResponses;
import jakarta.validation.Valid;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Sending on WhatsApp, Messenger and Instagram, and WhatsApp templates. A send is checked by its
 * channel against the rules Meta enforces (opt-out, the 24-hour window, an unapproved template)
 * before it is accepted, then queued ({@code out.<channel>}) and answered 202 with our message id;
 * its status history is at {@code GET /api/v1/messages/{id}}.
 */
@RestController
public class MetaMessagesController {

    private static final Set<String> TEMPLATE_ADMINS = Set.of("owner", "admin", "service");

    private final OutboxResponses outbox;
    private final WhatsAppTemplates templates;
    private final WhatsAppChannel whatsapp;
    private final MetaMessagingChannel messenger;
    private final MetaMessagingChannel instagram;

    public MetaMessagesController(OutboxResponses outbox, WhatsAppTemplates templates, WhatsAppChannel whatsapp,
                                  @Qualifier("messengerChannel") MetaMessagingChannel messengerChannel,
                                  @Qualifier("instagramChannel") MetaMessagingChannel instagramChannel) {
        this.outbox = outbox;
        this.templates = templates;
        this.whatsapp = whatsapp;
        this.messenger = messengerChannel;
        this.instagram = instagramChannel;
    }

    @PostMapping("/api/v1/whatsapp/messages")
    @Metered("whatsapp")
    ResponseEntity<Map<String, Object>> whatsapp(@Valid @RequestBody WhatsAppRequest body,
                                                 @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return outbox.send(whatsapp, body.to(), body, key);
    }

    @PostMapping("/api/v1/messenger/messages")
    @Metered("social-messages")
    ResponseEntity<Map<String, Object>> messenger(@Valid @RequestBody MetaMessagingRequest body,
                                                  @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return outbox.send(messenger, body.to(), body, key);
    }

    @PostMapping("/api/v1/instagram/messages")
    @Metered("social-messages")
    ResponseEntity<Map<String, Object>> instagram(@Valid @RequestBody MetaMessagingRequest body,
                                                  @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return outbox.send(instagram, body.to(), body, key);
    }

    @GetMapping("/api/v1/whatsapp/templates")
    WhatsAppTemplates.Listing templates(@RequestParam(name = "refresh", defaultValue = "false") boolean refresh) {
        return templates.list(ApiCaller.current().tenantId(), refresh);
    }

    @PostMapping("/api/v1/whatsapp/templates")
    ResponseEntity<Map<String, Object>> submitTemplate(@Valid @RequestBody WhatsAppTemplateSubmission body) {
        String tenantId = ApiCaller.current().requireRole(TEMPLATE_ADMINS).tenantId();
        return ResponseEntity.status(201).body(templates.submit(tenantId, body));
    }
}

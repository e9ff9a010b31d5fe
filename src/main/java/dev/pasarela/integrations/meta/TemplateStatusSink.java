package dev.pasarela.integrations.meta;

import dev.pasarela.pipeline.deliver.EventSink;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.TemplateStatusChanged;
import org.springframework.stereotype.Component;

/** {@code message_template_status_update} webhooks → the tenant's template cache. */
@Component
public class TemplateStatusSink implements EventSink {

    private final WhatsAppTemplates templates;

    public TemplateStatusSink(WhatsAppTemplates templates) {
        this.templates = templates;
    }

    @Override
    public boolean accepts(CanonicalEvent event) {
        return event instanceof TemplateStatusChanged;
    }

    @Override
    public void deliver(CanonicalEvent event) {
        templates.apply((TemplateStatusChanged) event);
    }
}

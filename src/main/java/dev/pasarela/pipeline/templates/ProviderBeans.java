package dev.pasarela.pipeline.templates;

import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import dev.pasarela.pipeline.transform.EventMapper;
import dev.pasarela.pipeline.verify.SignatureVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What a provider must supply to each inbound template, checked when a route is made from the
 * template (at start). A provider named in {@code routes/*.camel.yaml} without its beans would
 * otherwise answer every webhook 503 until someone read the log.
 */
@Component
public class ProviderBeans {

    private final ObjectProvider<SignatureVerifier> verifiers;
    private final ObjectProvider<WebhookInterpreter> interpreters;
    private final ObjectProvider<EventMapper> mappers;

    public ProviderBeans(ObjectProvider<SignatureVerifier> verifiers, ObjectProvider<WebhookInterpreter> interpreters,
                         ObjectProvider<EventMapper> mappers) {
        this.verifiers = verifiers;
        this.interpreters = interpreters;
        this.mappers = mappers;
    }

    /** inbound-webhook verifies and interprets. */
    void requireForWebhook(String template, Object provider) {
        List<String> missing = new ArrayList<>();
        require(verifiers, SignatureVerifier::provider, SignatureVerifier.class, provider, missing);
        require(interpreters, WebhookInterpreter::provider, WebhookInterpreter.class, provider, missing);
        fail(template, provider, missing);
    }

    /** inbound-delivery interprets the queued payload again and maps it. */
    void requireForDelivery(String template, Object provider) {
        List<String> missing = new ArrayList<>();
        require(interpreters, WebhookInterpreter::provider, WebhookInterpreter.class, provider, missing);
        require(mappers, EventMapper::provider, EventMapper.class, provider, missing);
        fail(template, provider, missing);
    }

    private static <T> void require(ObjectProvider<T> beans, Function<T, String> providerOf, Class<T> type,
                                    Object provider, List<String> missing) {
        if (beans.stream().noneMatch(b -> providerOf.apply(b).equals(provider))) {
            missing.add(type.getSimpleName());
        }
    }

    private static void fail(String template, Object provider, List<String> missing) {
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Route template " + template + " for provider '" + provider
                    + "' has no " + String.join(" and no ", missing) + " bean whose provider() is '" + provider
                    + "': add them to integrations/<provider> or remove the route from routes/");
        }
    }
}

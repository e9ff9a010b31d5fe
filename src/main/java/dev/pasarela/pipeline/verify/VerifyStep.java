package dev.pasarela.pipeline.verify;

import dev.pasarela.pipeline.Variables;
import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.ingress.RawRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import dev.pasarela.pipeline.ingress.WebhookAbuseGuard;
import dev.pasarela.api.RateLimitedException;
import org.springframework.stereotype.Component;

/** Runs the provider's verifier over the raw request; refusals become problem+json and a metric. */
@Component("verifyStep")
public class VerifyStep implements Processor {

    private final Map<String, SignatureVerifier> verifiers;
    private final MeterRegistry meters;
    private final WebhookAbuseGuard abuse;

    public VerifyStep(List<SignatureVerifier> verifiers, MeterRegistry meters, WebhookAbuseGuard abuse) {
        this.verifiers = verifiers.stream().collect(Collectors.toMap(SignatureVerifier::provider, Function.identity()));
        this.meters = meters;
        this.abuse = abuse;
    }

    @Override
    public void process(Exchange exchange) {
        String provider = exchange.getVariable(Variables.PROVIDER, String.class);
        SignatureVerifier verifier = verifiers.get(provider);
        if (verifier == null) {
            throw new IllegalStateException("no SignatureVerifier for provider " + provider);
        }
        RawRequest request = exchange.getVariable(Variables.RAW_BODY, RawRequest.class);
        try {
            verifier.verify(request);
        } catch (SignatureVerificationException e) {
            meters.counter("pasarela.webhooks.rejected", "provider", provider, "reason", e.reason().tag).increment();
            long wait = request.source() == null ? 0 : abuse.refusedSignature(request.source());
            if (wait > 0) {
                throw new RateLimitedException("too-many-bad-signatures", "Too many requests",
                        "Too many requests with invalid signatures came from this address.", wait);
            }
            throw new ProblemException(verifier.failureStatus(), "invalid-signature", "Invalid webhook signature",
                    e.reason().detail);
        }
    }
}

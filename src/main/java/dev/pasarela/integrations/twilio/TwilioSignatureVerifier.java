package dev.pasarela.integrations.twilio;

import com.twilio.security.RequestValidator;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.tenant.TenantResolver;
import dev.pasarela.pipeline.verify.SignatureVerificationException;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import dev.pasarela.pipeline.verify.SignatureVerifier;
import dev.pasarela.security.CredentialVault;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code X-Twilio-Signature}: Base64(HMAC-SHA1(auth token, URL + sorted form parameters)), checked
 * with twilio-java's {@link RequestValidator} over the parameters decoded from the exact body bytes.
 * <ul>
 * <li>The URL is the one Twilio called: {@code pasarela.twilio.public-base-url} (the gateway behind a
 * proxy or TLS terminator) plus the request's path and query, else the request URL itself.</li>
 * <li>The key is the auth token of the account that owns the number: the platform token(s)
 * ({@code TWILIO_AUTH_TOKEN}, two during a rotation) and, when the unverified {@code AccountSid},
 * {@code To} or {@code From} already routes to a tenant, that tenant's sub-account token from the
 * vault. Unverified fields only choose which key to try; nothing is trusted before a match.</li>
 * </ul>
 * Refusals answer 403, as Twilio's security guide does.
 */
@Component
public class TwilioSignatureVerifier implements SignatureVerifier {

    public static final String HEADER = "X-Twilio-Signature";
    private static final Logger log = LoggerFactory.getLogger(TwilioSignatureVerifier.class);

    private final List<String> platformTokens;
    private final String publicBaseUrl;
    private final TenantResolver resolver;
    private final CredentialVault vault;

    @Autowired
    public TwilioSignatureVerifier(TwilioWebhookProperties twilio, TenantResolver resolver, CredentialVault vault) {
        this(twilio.authToken(), twilio.publicBaseUrl(), resolver, vault);
    }

    TwilioSignatureVerifier(String authTokens, String publicBaseUrl, TenantResolver resolver, CredentialVault vault) {
        TwilioWebhookProperties settings = new TwilioWebhookProperties(authTokens, publicBaseUrl);
        if (!settings.problems().isEmpty()) {
            throw new IllegalStateException(settings.problems().get(0));
        }
        this.platformTokens = settings.authTokens();
        this.publicBaseUrl = publicBaseUrl.isBlank() ? null : stripSlash(publicBaseUrl.trim());
        this.resolver = resolver;
        this.vault = vault;
    }

    @Override
    public String provider() {
        return TwilioWebhookInterpreter.PROVIDER;
    }

    @Override
    public int failureStatus() {
        return 403;
    }

    @Override
    public void verify(RawRequest request) throws SignatureVerificationException {
        String signature = request.header(HEADER);
        if (signature == null || signature.isBlank()) {
            throw new SignatureVerificationException(Reason.MISSING_HEADER);
        }
        Map<String, List<String>> params;
        try {
            params = TwilioForm.parse(request.body());
        } catch (IllegalArgumentException e) {
            throw new SignatureVerificationException(Reason.MISMATCH); // not a form Twilio could have signed
        }
        try {
            String url = publicUrl(request.url());
            for (String token : tokens(params)) {
                if (valid(token, url, params, signature)) {
                    return;
                }
            }
        } catch (IllegalArgumentException e) {
            // a malformed escape in the query (URI or the SDK's parsing of it): no URL Twilio signed,
            // and the exception's message quotes the URL, so it is not logged
        }
        throw new SignatureVerificationException(Reason.MISMATCH);
    }

    /** The URL as Twilio requested it: the configured public base with the request's path and query. */
    String publicUrl(String requestUrl) {
        if (publicBaseUrl == null) {
            return requestUrl;
        }
        URI uri = URI.create(requestUrl);
        return publicBaseUrl + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private Set<String> tokens(Map<String, List<String>> params) {
        Set<String> tokens = new LinkedHashSet<>(platformTokens);
        for (String field : List.of("AccountSid", "To", "From")) {
            List<String> v = params.get(field);
            if (v == null || v.get(0).isBlank()) {
                continue;
            }
            Optional<String> tenant = resolver.byRoutingKey(TwilioWebhookInterpreter.PROVIDER + ":" + v.get(0));
            if (tenant.isPresent()) {
                try {
                    vault.credentials(tenant.get(), "twilio").map(c -> c.get("authToken"))
                            .filter(t -> !t.isBlank()).ifPresent(tokens::add);
                } catch (RuntimeException e) { // an unreadable vault entry leaves the platform token(s)
                    log.warn("Twilio credentials of tenant {} unreadable: {}", tenant.get(), e.getClass().getSimpleName());
                }
                break;
            }
        }
        return tokens;
    }

    private static boolean valid(String token, String url, Map<String, List<String>> params, String signature) {
        if (params.values().stream().allMatch(v -> v.size() == 1)) {
            return new RequestValidator(token).validate(url, TwilioForm.single(params), signature);
        }
        // a repeated key (MediaUrl on some products): a Map<String,String> cannot hold it, so sign as
        // twilio-python does — each distinct value once, values sorted — for the URL with and without port
        byte[] given = signature.getBytes(StandardCharsets.UTF_8);
        for (String candidate : portVariants(url)) {
            byte[] expected = sign(token, candidate, params).getBytes(StandardCharsets.UTF_8);
            if (MessageDigest.isEqual(expected, given)) {
                return true;
            }
        }
        return false;
    }

    static String sign(String token, String url, Map<String, List<String>> params) {
        StringBuilder data = new StringBuilder(url);
        for (String key : new TreeSet<>(params.keySet())) {
            for (String value : new TreeSet<>(params.get(key))) {
                data.append(key).append(value);
            }
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    private static final java.util.regex.Pattern AUTHORITY = java.util.regex.Pattern.compile(
            "(?i)(https?)(://[^/:?#]+)(:\\d+)?(.*)");

    private static List<String> portVariants(String url) {
        List<String> out = new ArrayList<>(List.of(url));
        java.util.regex.Matcher m = AUTHORITY.matcher(url);
        if (m.matches()) {
            String port = m.group(3) != null ? m.group(3) : "https".equalsIgnoreCase(m.group(1)) ? ":443" : ":80";
            out.add(m.group(1) + m.group(2) + m.group(4));
            out.add(m.group(1) + m.group(2) + port + m.group(4));
        }
        return out;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}

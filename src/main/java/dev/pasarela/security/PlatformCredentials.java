package dev.pasarela.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.env.Environment;

/**
 * The seed's platform-level provider credentials (environment variables), used for a tenant that
 * has none of its own. Only fields that are set are returned; a provider with none set has no default.
 */
public class PlatformCredentials {

    private static final Map<String, Map<String, String>> VARIABLES = Map.of(
            "stripe", Map.of("secretKey", "STRIPE_SECRET_KEY"),
            "meta", Map.of("appId", "META_APP_ID", "appSecret", "META_APP_SECRET"),
            "whatsapp", Map.of("phoneNumberId", "WHATSAPP_PHONE_NUMBER_ID", "accessToken", "WHATSAPP_ACCESS_TOKEN",
                    "businessAccountId", "WHATSAPP_BUSINESS_ACCOUNT_ID"),
            "twilio", Map.of("accountSid", "TWILIO_ACCOUNT_SID", "authToken", "TWILIO_AUTH_TOKEN",
                    "phoneNumber", "TWILIO_PHONE_NUMBER"),
            "sendgrid", Map.of("apiKey", "SENDGRID_API_KEY"),
            "resend", Map.of("apiKey", "RESEND_API_KEY"),
            "openai", Map.of("apiKey", "OPENAI_API_KEY"),
            "anthropic", Map.of("apiKey", "ANTHROPIC_API_KEY"));

    private final Environment env;

    public PlatformCredentials(Environment env) {
        this.env = env;
    }

    /** The providers the environment may hold a default for. */
    public java.util.Set<String> providers() {
        return VARIABLES.keySet();
    }

    public Optional<Map<String, String>> defaults(String provider) {
        Map<String, String> names = VARIABLES.get(provider);
        if (names == null) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        names.forEach((field, variable) -> {
            String value = env.getProperty(variable);
            if (value != null && !value.isBlank()) {
                out.put(field, value);
            }
        });
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }
}

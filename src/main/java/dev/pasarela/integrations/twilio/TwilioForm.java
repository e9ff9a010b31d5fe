package dev.pasarela.integrations.twilio;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Twilio's webhooks are {@code application/x-www-form-urlencoded}. The raw-body filter hides that
 * content type from Spring so the exact bytes survive; the parameters are decoded here, from
 * those bytes, as UTF-8 (what Twilio sends).
 */
final class TwilioForm {
    private TwilioForm() {}

    /** Every parameter with all its values, in the order sent. Throws IllegalArgumentException on bad escapes. */
    static Map<String, List<String>> parse(byte[] body) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        String form = new String(body, StandardCharsets.UTF_8);
        if (form.isBlank()) {
            return params;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    /** The first value of each parameter: Twilio's messaging webhooks repeat none. */
    static Map<String, String> single(Map<String, List<String>> params) {
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.get(0)));
        return out;
    }
}

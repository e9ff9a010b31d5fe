package dev.pasarela.api.refusals;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.pasarela.api.RefusedValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's firewall: the rules it keeps, the one it loosens, and its refusals as
 * problem+json (its default handler answers a bare 400, or a 500 when the refusal happens after
 * the security chain, while a header is read), logged without the refused value.
 */
public final class FirewallRefusals implements RequestRejectedHandler {

    private static final Logger log = LoggerFactory.getLogger(FirewallRefusals.class);
    private static final Pattern HEADER = Pattern.compile("the header: \"([A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}) \"");
    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /**
     * The strict firewall with RFC 9110's header values: any octet but controls (HTAB allowed).
     * The default also refuses 0x80–0x9F, which is how UTF-8 arrives in a header Tomcat reads as
     * ISO-8859-1 (an emoji in a note header, a name in a display header): legitimate for headers
     * we never read, and a header we do read (Idempotency-Key, X-Api-Key, signatures) checks its
     * own syntax and names itself in its 400 or 401.
     */
    public static StrictHttpFirewall firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHttpMethods(METHODS);
        firewall.setAllowedHeaderValues(FirewallRefusals::isFieldValue);
        // a parameter is only ever looked up by its name, so an odd name is inert; refusing it lazily
        // happened inside Camel's platform-http consumer (a 500 that logged the name)
        firewall.setAllowedParameterNames(name -> true);
        return firewall;
    }

    static boolean isFieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && (c < 0x20 || c == 0x7F || c > 0xFF)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
            throws IOException {
        Refusal refusal = refusal(e);
        log.info("Refused by the firewall: {}", RefusedValues.redact(e.getMessage()));
        if (!response.isCommitted()) {
            refusal.write(response);
        }
    }

    /** The problem for a firewall refusal; the detail names a header (a token) but never repeats a value. */
    static Refusal refusal(RequestRejectedException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String detail;
        if (message.contains("HTTP method")) {
            detail = "The method is not one the gateway takes (" + String.join(", ", METHODS) + ").";
        } else if (message.contains("the header: ")) {
            Matcher header = HEADER.matcher(message);
            detail = (header.find() ? "The value of header " + header.group(1) : "A header value")
                    + " holds characters HTTP does not allow in a header.";
        } else if (message.contains("header name")) {
            detail = "A header name holds characters HTTP does not allow.";
        } else if (message.contains("parameter")) {
            detail = "A query or form parameter name holds control characters.";
        } else if (message.contains("domain")) {
            detail = "The Host header names a host the gateway does not serve.";
        } else {
            detail = "The request path is not in the plain form the gateway accepts: no encoded slash, backslash,"
                    + " percent sign, period or NUL, no ';', no '//' or '..' segments, printable ASCII only.";
        }
        return new Refusal(400, "request-rejected", "Request rejected", detail);
    }
}

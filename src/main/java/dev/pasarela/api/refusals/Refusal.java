package dev.pasarela.api.refusals;

import dev.pasarela.api.Problems;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** A request refused before any endpoint saw it, as the problem the caller gets. */
record Refusal(int status, String type, String title, String detail) {

    String json() {
        // no instance: the path may be what was refused
        return Problems.json(status, type, title, detail, null);
    }

    void write(HttpServletResponse response) throws IOException {
        response.resetBuffer();
        Problems.write(response, status, type, title, detail);
        response.flushBuffer();
    }

    /** The type and title of a status set by someone else (the container, a servlet's sendError). */
    static Refusal forStatus(int status, String detail) {
        return switch (status) {
            case 400 -> new Refusal(400, "malformed-request", "Malformed request", detail);
            case 401 -> new Refusal(401, "unauthorized", "Unauthorized", detail);
            case 403 -> new Refusal(403, "forbidden", "Forbidden", detail);
            case 404 -> new Refusal(404, "not-found", "Not found", detail);
            case 405 -> new Refusal(405, "method-not-allowed", "Method not allowed", detail);
            case 406 -> new Refusal(406, "not-acceptable", "Not acceptable", detail);
            case 408 -> new Refusal(408, "request-timeout", "Request timeout", detail);
            case 411 -> new Refusal(411, "length-required", "Length required", detail);
            case 413 -> new Refusal(413, "payload-too-large", "Payload too large", detail);
            case 414 -> new Refusal(414, "uri-too-long", "URI too long", detail);
            case 415 -> new Refusal(415, "unsupported-media-type", "Unsupported media type", detail);
            case 417 -> new Refusal(417, "expectation-failed", "Expectation failed", detail);
            case 431 -> new Refusal(431, "request-header-too-large", "Request header too large", detail);
            case 503 -> new Refusal(503, "temporarily-unavailable", "Temporarily unavailable", detail);
            default -> status >= 500
                    ? new Refusal(500, "internal-error", "Internal error",
                            "The request could not be completed; the cause is in the gateway's log.")
                    : new Refusal(status, "request-refused", "Request refused", detail);
        };
    }

    static String defaultDetail(int status) {
        return switch (status) {
            case 400 -> "The request is not well-formed HTTP/1.1.";
            case 401 -> "Credentials are required.";
            case 403 -> "These credentials may not make this call.";
            case 404 -> "No endpoint answers at this path.";
            case 405 -> "This path does not take this method.";
            case 406 -> "The gateway answers JSON (application/json or application/problem+json).";
            case 408 -> "The request did not arrive in time.";
            case 411 -> "A Content-Length is required.";
            case 413 -> "The request body is larger than the gateway accepts.";
            case 414 -> "The request target is longer than the gateway accepts.";
            case 415 -> "The body's content type is not one this endpoint reads.";
            case 417 -> "The gateway supports only \"Expect: 100-continue\".";
            case 431 -> "The request line and headers together are larger than the gateway accepts.";
            case 503 -> "The gateway cannot take this request now; retry later.";
            default -> "The request was refused.";
        };
    }
}

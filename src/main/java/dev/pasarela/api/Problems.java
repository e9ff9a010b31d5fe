package dev.pasarela.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** RFC 9457 bodies, the same from Camel routes, Spring MVC handlers and servlet filters. */
public final class Problems {
    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://pasarela.dev/problems/";

    private Problems() {}

    public static ProblemDetail detail(int status, String type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail);
        p.setType(URI.create(TYPE_BASE + type));
        p.setTitle(title);
        return p;
    }

    public static ProblemDetail detail(ProblemException e) {
        return detail(e.status(), e.type(), e.title(), e.detail());
    }

    public static String json(int status, String type, String title, String detail, String instance) {
        // static for the filters and the Camel error handler; no mapper needed, a node tree writes itself
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", TYPE_BASE + type);
        n.put("title", title);
        n.put("status", status);
        n.put("detail", detail);
        if (instance != null) {
            n.put("instance", instance);
        }
        return n.toString();
    }

    /**
     * Writes the problem as the whole response, for servlet filters and handlers that answer before
     * (or instead of) Spring MVC; headers such as {@code WWW-Authenticate} or {@code Retry-After} are the caller's.
     * No instance: the path may be what was refused.
     */
    public static void write(HttpServletResponse response, int status, String type, String title, String detail)
            throws IOException {
        write(response, status, type, title, detail, null);
    }

    /** As {@link #write(HttpServletResponse, int, String, String, String)}, with an {@code instance} (null for none). */
    public static void write(HttpServletResponse response, int status, String type, String title, String detail,
                             String instance) throws IOException {
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.getOutputStream().write(json(status, type, title, detail, instance).getBytes(StandardCharsets.UTF_8));
    }
}

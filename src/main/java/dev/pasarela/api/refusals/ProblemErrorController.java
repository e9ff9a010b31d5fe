package dev.pasarela.api.refusals;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import dev.pasarela.api.RefusedValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page ({@code /error}) as problem+json, in place of Boot's
 * {@code BasicErrorController} (its JSON or HTML echoes the path and is not RFC 9457). It
 * answers what reached the servlet container but no handler: a {@code sendError} from a filter
 * or servlet, an exception that left the servlet (a firewall refusal raised while a header was
 * read). Nothing here repeats the request: no path, no exception message.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        refusal(request).write(response);
    }

    /** The problem for an error dispatch, from the attributes the container set; also the management port's. */
    static Refusal refusal(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Throwable error = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Refusal refusal;
        RequestRejectedException rejected = find(error, RequestRejectedException.class);
        if (rejected != null) {
            log.info("Refused by the firewall: {}", RefusedValues.redact(rejected.getMessage()));
            refusal = FirewallRefusals.refusal(rejected);
        } else if (code instanceof Integer status) {
            if (status >= 500 && error != null) {
                log.error("Request failed outside any handler", error);
            }
            refusal = Refusal.forStatus(status, Refusal.defaultDetail(status));
        } else {
            refusal = Refusal.forStatus(404, Refusal.defaultDetail(404)); // /error asked for by name
        }
        return refusal;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}

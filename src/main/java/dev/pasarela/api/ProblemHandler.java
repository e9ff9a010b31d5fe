package dev.pasarela.api;

import dev.pasarela.store.StoreUnavailableException;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Every refusal of the HTTP API as problem+json; Spring's own errors come through the base class. */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ProblemException.class)
    ProblemDetail problem(ProblemException e, jakarta.servlet.http.HttpServletResponse response) {
        if (e instanceof dev.pasarela.api.RateLimitedException limited) {
            response.setHeader("Retry-After", String.valueOf(limited.retryAfterSeconds()));
        }
        return Problems.detail(e);
    }

    /** Anything unforeseen: logged here, never described to the caller. */
    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("Request failed", e);
        return Problems.detail(500, "internal-error", "Internal error",
                "The request could not be completed; the cause is in the gateway's log.");
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ProblemDetail storeDown(StoreUnavailableException e) {
        return Problems.detail(503, "store-unavailable", "Store unavailable",
                "The business data store did not answer; retry later.");
    }
}

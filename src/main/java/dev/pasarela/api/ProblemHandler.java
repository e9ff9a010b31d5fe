package dev.pasarela.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.pasarela.store.StoreUnavailableException;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.context.request.WebRequest;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Every refusal of the HTTP API as problem+json; Spring's own errors come through the base class. */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProblemHandler.class);

    /** Seconds a caller is asked to wait for a gateway that is starting or stopping. */
    static final int NOT_READY_RETRY_AFTER = 5;

    private final ObjectProvider<ApplicationAvailability> availability;

    public ProblemHandler(ObjectProvider<ApplicationAvailability> availability) {
        this.availability = availability;
    }

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<Object> problem(ProblemException e, jakarta.servlet.http.HttpServletResponse response) {
        if (e.retryAfterSeconds() > 0) {
            response.setHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        return problem(Problems.detail(e));
    }

    /**
     * The content type set here, not negotiated: a refusal is problem+json whatever the request's
     * Accept says (Spring would otherwise answer an empty body to {@code Accept: text/html} or to
     * an Accept it cannot parse, RFC 9110 lets a server disregard Accept).
     */
    private static ResponseEntity<Object> problem(ProblemDetail body) {
        return ResponseEntity.status(body.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    /** Spring's own refusals (the base class): problem+json whatever the Accept header says. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
                                                          WebRequest request) {
        HttpHeaders preset = new HttpHeaders();
        preset.putAll(headers);
        if (body instanceof ProblemDetail && preset.getContentType() == null) {
            preset.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        return super.createResponseEntity(body, preset, statusCode, request);
    }

    /**
     * Spring Security's firewall refusing a header or parameter as a handler reads it (the
     * refusals it makes up front are {@code api.refusals.FirewallRefusals}'): the caller's 400,
     * and the log keeps a fingerprint of the value, never the value.
     */
    @ExceptionHandler(org.springframework.security.web.firewall.RequestRejectedException.class)
    ResponseEntity<Object> rejected(org.springframework.security.web.firewall.RequestRejectedException e) {
        log.info("Refused by the firewall: {}", RefusedValues.redact(e.getMessage()));
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.detail(400, "request-rejected", "Request rejected",
                        "A header or parameter holds characters the gateway does not accept."));
    }

    /** Anything unforeseen: logged here, never described to the caller. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("Request failed", e);
        return problem(Problems.detail(500, "internal-error", "Internal error",
                "The request could not be completed; the cause is in the gateway's log."));
    }

    /** A request record that broke a rule: each field with its rule, as the other refusals say it. */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        String detail = e.getBindingResult().getAllErrors().stream()
                .map(ProblemHandler::describe).distinct().sorted().collect(Collectors.joining(" "));
        return invalidRequest(detail.isEmpty() ? "The request body breaks a rule." : detail);
    }

    /** Not JSON, or a field of the wrong type: a 400 naming the field, never a 500. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        Throwable cause = e.getMostSpecificCause();
        String detail;
        if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = mismatch.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            String expected = mismatch.getTargetType() == null ? "another type"
                    : jsonType(mismatch.getTargetType());
            detail = field + (mismatch.getTargetType() != null && mismatch.getTargetType().isEnum()
                    ? " is not allowed: it must be " : " has the wrong type: it must be ") + expected + ".";
        } else if (cause instanceof JsonProcessingException malformed) {
            // where it broke, not what the parser said: its message quotes the body
            com.fasterxml.jackson.core.JsonLocation at = malformed.getLocation();
            String where = at == null || at.getLineNr() < 1 ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.detail(400, "malformed-json", "Malformed JSON",
                            "The body is not valid JSON" + where + "."));
        } else {
            detail = "A JSON body is required.";
        }
        return invalidRequest(detail);
    }

    private static String describe(ObjectError error) {
        String message = error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage();
        if (error instanceof FieldError field) {
            // our messages start with the field's name; a default one ("must not be null") gets it in front
            return message.startsWith(field.getField()) ? message : field.getField() + " " + message + ".";
        }
        return message;
    }

    private static String jsonType(Class<?> type) {
        if (type.isEnum()) { // the names a caller may send: an enum's toString() is its JSON name
            return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "an object";
    }

    private static ResponseEntity<Object> invalidRequest(String detail) {
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.detail(400, "invalid-request", "Invalid request", detail));
    }

    /**
     * A path no handler serves: a typed 404, not Spring's "No static resource …". Not while the
     * gateway is starting or shutting down: the container takes requests before Camel has started
     * the webhook and API routes (and after it stopped them), and a 404 then would tell a provider
     * that its endpoint is gone, where a 503 with Retry-After has it send the event again.
     */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            org.springframework.web.servlet.resource.NoResourceFoundException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ApplicationAvailability state = availability.getIfAvailable();
        if (state != null && state.getReadinessState() != ReadinessState.ACCEPTING_TRAFFIC) {
            return ResponseEntity.status(503).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(NOT_READY_RETRY_AFTER))
                    .body(Problems.detail(503, "temporarily-unavailable", "Temporarily unavailable",
                            "The gateway is starting or stopping; send the request again."));
        }
        return ResponseEntity.status(404).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.detail(404, "not-found", "Not found", "No endpoint answers at this path."));
    }

    /** A multipart upload over {@code spring.servlet.multipart.*}: problem+json, not the container's page. */
    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
            org.springframework.web.multipart.MaxUploadSizeExceededException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String limit = e.getMaxUploadSize() > 0 ? " (" + e.getMaxUploadSize() + " bytes)" : "";
        return ResponseEntity.status(413).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.detail(413, "payload-too-large", "Payload too large",
                        "The upload is larger than the gateway accepts" + limit + "."));
    }

    /** A body that is not multipart where a file is expected, or a multipart body cut short: the caller's to fix. */
    @ExceptionHandler(org.springframework.web.multipart.MultipartException.class)
    ResponseEntity<Object> notMultipart(org.springframework.web.multipart.MultipartException e) {
        return invalidRequest("Send the file as multipart/form-data with a part named file; the body could not be read as one.");
    }

    /** A path or query value of the wrong type ({@code ?limit=abc}): a 400 naming the parameter. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(org.springframework.beans.TypeMismatchException e,
                                                        HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = e instanceof org.springframework.web.method.annotation.MethodArgumentTypeMismatchException m
                ? m.getName() : e.getPropertyName();
        String type = e.getRequiredType() == null ? "another type" : jsonType(e.getRequiredType());
        return invalidRequest((name == null ? "A parameter" : name) + " has the wrong type: it must be " + type + ".");
    }

    /** A required query parameter missing: a 400 naming it. */
    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(
            org.springframework.web.bind.MissingServletRequestParameterException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return invalidRequest(e.getParameterName() + " is required.");
    }

    /** A method the path does not take: a typed 405 with {@code Allow}. */
    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(
            org.springframework.web.HttpRequestMethodNotSupportedException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String allowed = e.getSupportedHttpMethods() == null ? "" : e.getSupportedHttpMethods().stream()
                .map(Object::toString).sorted().collect(Collectors.joining(", "));
        return ResponseEntity.status(405).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.detail(405, "method-not-allowed", "Method not allowed", "This path takes "
                        + (allowed.isEmpty() ? "other methods" : allowed) + ", not " + e.getMethod() + "."));
    }

    /** A body of a content type the endpoint does not read: a typed 415 naming the ones it does. */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
            org.springframework.web.HttpMediaTypeNotSupportedException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String supported = e.getSupportedMediaTypes().stream().map(Object::toString).distinct()
                .collect(Collectors.joining(", "));
        return ResponseEntity.status(415).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.detail(415, "unsupported-media-type", "Unsupported media type",
                        "Send the body as " + (supported.isEmpty() ? "another content type" : supported) + "."));
    }

    /** An Accept the endpoint cannot satisfy: a typed 406 naming what it can answer, itself in problem+json. */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(
            org.springframework.web.HttpMediaTypeNotAcceptableException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String supported = e.getSupportedMediaTypes().stream().map(Object::toString).distinct()
                .collect(Collectors.joining(", "));
        return problem(Problems.detail(406, "not-acceptable", "Not acceptable", "This endpoint answers "
                + (supported.isEmpty() ? "JSON" : supported) + "; refusals are application/problem+json."));
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<Object> storeDown(StoreUnavailableException e) {
        return problem(Problems.detail(503, "store-unavailable", "Store unavailable",
                "The business data store did not answer; retry later."));
    }
}

package dev.pasarela.api.refusals;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import dev.pasarela.api.RefusedValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's refusals as problem+json: what it refuses before any servlet runs (a request line or
 * header that is not HTTP/1.1, a target with raw non-ASCII bytes, {@code %2F} or {@code %00}, a
 * head over {@code server.max-http-request-header-size}, an unknown transfer coding or HTTP
 * version) reaches only the host's error report valve, whose page is HTML. This valve takes its
 * place and also picks the status: 414 or 431 for a head that is too large where Tomcat says 400,
 * and 400 where Tomcat says 501 (a transfer coding it does not know) or 505 (an HTTP version other
 * than 1.0 and 1.1), because those are the client's to fix and a 5xx would page an operator.
 * Tomcat's own log of these refusals quotes the request; it is turned down to WARN
 * ({@code logging.level.org.apache.coyote.http11}) and this valve logs the value's fingerprint.
 */
public class ContainerRefusals extends ErrorReportValve {

    private static final Logger log = LoggerFactory.getLogger(ContainerRefusals.class);

    public ContainerRefusals() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    /** Puts this valve on the host in place of the HTML one (Boot adds one, so does the host when it starts). */
    public static void install(Host host) {
        for (Valve valve : host.getPipeline().getValves()) {
            if (valve instanceof ErrorReportValve) {
                host.getPipeline().removeValve(valve);
            }
        }
        if (host instanceof StandardHost standard) {
            standard.setErrorReportValveClass(ContainerRefusals.class.getName());
        }
        host.getPipeline().addValve(new ContainerRefusals());
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        Refusal refusal = refusal(status, throwable, request);
        if (refusal.status() >= 500) {
            log.error("Request failed in the container: status {}", status, throwable);
        } else {
            log.info("Refused by the container: {} ({})", refusal.status(),
                    throwable == null ? "status " + status : RefusedValues.redact(throwable.getMessage()));
        }
        try {
            response.setStatus(refusal.status());
            response.setContentType(dev.pasarela.api.Problems.MEDIA_TYPE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(refusal.json());
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the connection is gone or the response was committed meanwhile: nothing left to tell
        }
    }

    static Refusal refusal(int status, Throwable throwable, Request request) {
        String message = throwable == null || throwable.getMessage() == null ? "" : throwable.getMessage();
        if (status == 505) {
            return Refusal.forStatus(400, "The gateway speaks HTTP/1.1 (and HTTP/1.0); the request line names another version.");
        }
        if (status == 501) {
            return Refusal.forStatus(400, "The Transfer-Encoding is not one the gateway decodes (chunked only).");
        }
        if (status == 400) {
            if (message.contains("too large")) {
                boolean lineParsed = !request.getCoyoteRequest().requestURI().isNull()
                        && !request.getCoyoteRequest().protocol().isNull();
                return lineParsed ? Refusal.forStatus(431, Refusal.defaultDetail(431))
                        : Refusal.forStatus(414, "The request line is longer than the gateway accepts.");
            }
            if (message.contains("request target")) {
                return Refusal.forStatus(400, "The request target holds characters HTTP does not allow there:"
                        + " percent-encode anything but printable ASCII.");
            }
            if (message.contains("method name")) {
                return Refusal.forStatus(400, "The method is not an HTTP token.");
            }
            if (message.contains("protocol")) {
                return Refusal.forStatus(400, "The request line does not end in an HTTP version (HTTP/1.1).");
            }
            if (message.contains("header")) {
                return Refusal.forStatus(400, "A header line is not HTTP/1.1: a name that is not a token,"
                        + " a control character, a missing colon, or a folded line.");
            }
            if (throwable == null) {
                return Refusal.forStatus(400, "The request is not well-formed HTTP/1.1: a path that does not decode"
                        + " (%2F, %00, a bad escape), a missing or repeated Host or Content-Length, or broken framing.");
            }
        }
        return Refusal.forStatus(status, Refusal.defaultDetail(status));
    }
}

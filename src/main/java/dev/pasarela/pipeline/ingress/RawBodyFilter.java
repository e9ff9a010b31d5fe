package dev.pasarela.pipeline.ingress;

import dev.pasarela.api.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps the exact bytes of a webhook request before anything decodes them. Camel 4.17's Spring
 * Boot platform-http reads bodies through a charset-decoding reader (CAMEL-23320), and every
 * provider signs the raw bytes, so the verify step reads {@link #ATTRIBUTE} instead. Bodies
 * over the limit are refused with 413 before they are buffered.
 */
public class RawBodyFilter extends OncePerRequestFilter {

    public static final String ATTRIBUTE = "dev.pasarela.rawBody";
    /**
     * Up to this declared length the array is made before the bytes arrive; a larger body grows with
     * what arrives, so a client declaring megabytes and sending nothing holds no more than it sent.
     * A request thread holds at most this for a body that does not come (the container's threads are
     * platform threads, {@code spring.threads.virtual.enabled=false}: a few hundred, not a connection each).
     */
    static final int EXACT_READ_MAX = 64 * 1024;

    private final long maxBytes;

    public RawBodyFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            tooLarge(request, response);
            return;
        }
        byte[] body = declared >= 0 && declared <= EXACT_READ_MAX ? readDeclared(request.getInputStream(), (int) declared)
                : readLimited(request.getInputStream());
        if (body == null) {
            tooLarge(request, response);
            return;
        }
        request.setAttribute(ATTRIBUTE, body);
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        Problems.write(response, 413, "payload-too-large", "Payload too large",
                "The request body is larger than " + maxBytes + " bytes.", request.getRequestURI());
    }

    /**
     * A body of a declared length (at most {@link #EXACT_READ_MAX}), read into one array of that length:
     * Tomcat ends the stream there (and throws when the client's ends first). Growing a buffer and
     * copying it out cost a 4 KB event three arrays and ~19 KiB of garbage (bench/RESULTS.md). A stream
     * that ends early without an error leaves what it sent.
     */
    private static byte[] readDeclared(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        int read = in.readNBytes(body, 0, length);
        return read == length ? body : Arrays.copyOf(body, read);
    }

    /** A body of no declared length (chunked) or a large one: read until the end, null past the limit. */
    private byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            total += n;
            if (total > maxBytes) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static final class CachedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("body is already buffered");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String enc = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                    enc == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(enc)));
        }

        /**
         * Webhook bodies are read only by the provider's interpreter, from the raw bytes; hiding a
         * form content type keeps the HTTP binding from parsing (and failing on) the body.
         * {@code getHeader("Content-Type")} still tells the truth.
         */
        @Override
        public String getContentType() {
            String type = super.getContentType();
            if (type != null && (type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)
                    || type.regionMatches(true, 0, "multipart/", 0, 10))) {
                return "application/octet-stream";
            }
            return type;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}

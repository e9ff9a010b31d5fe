package dev.pasarela.pipeline.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.DelegatingServletInputStream;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The exact bytes are kept however the body arrives, and a body over the limit is a 413 either way. */
class RawBodyFilterTest {

    static final int LIMIT = 100_000;
    final RawBodyFilter filter = new RawBodyFilter(LIMIT);

    @Test
    void aBodyOfDeclaredLengthIsKeptAsSentAndReadAgainByTheChain() throws Exception {
        byte[] sent = "{\"id\":\"evt_1\",\"text\":\"ñandú\"}".getBytes(StandardCharsets.UTF_8);
        MockHttpServletRequest request = post(sent, sent.length);
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(request, new MockHttpServletResponse(), chain);

        assertThat((byte[]) request.getAttribute(RawBodyFilter.ATTRIBUTE)).isEqualTo(sent);
        HttpServletRequest passed = (HttpServletRequest) chain.getRequest();
        assertThat(passed.getInputStream().readAllBytes()).isEqualTo(sent);
    }

    @Test
    void everyBodyIsKeptWholeDeclaredOrChunkedAroundTheExactReadAndAtTheLimit() throws Exception {
        for (int size : new int[] {0, 5000, RawBodyFilter.EXACT_READ_MAX, RawBodyFilter.EXACT_READ_MAX + 1, LIMIT}) {
            byte[] sent = new byte[size];
            for (int i = 0; i < size; i++) {
                sent[i] = (byte) i; // a byte out of place shows
            }
            for (long declared : new long[] {-1, size}) {
                for (boolean trickled : new boolean[] {false, true}) {
                    MockHttpServletRequest request = post(sent, declared, trickled);

                    filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());

                    assertThat((byte[]) request.getAttribute(RawBodyFilter.ATTRIBUTE))
                            .as("%d bytes, declared %d, trickled %s", size, declared, trickled).isEqualTo(sent);
                }
            }
        }
    }

    @Test
    void aStreamThatEndsBeforeTheDeclaredLengthLeavesWhatItSent() throws Exception {
        byte[] sent = "{\"id\":".getBytes(StandardCharsets.UTF_8);
        MockHttpServletRequest request = post(sent, 4096);
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(request, new MockHttpServletResponse(), chain);

        assertThat((byte[]) request.getAttribute(RawBodyFilter.ATTRIBUTE)).isEqualTo(sent);
        assertThat(((HttpServletRequest) chain.getRequest()).getContentLength()).isEqualTo(sent.length);
    }

    @Test
    void aBodyOverTheLimitIsRefusedWhetherDeclaredOrNot() throws Exception {
        byte[] sent = new byte[LIMIT + 1];
        for (long declared : new long[] {-1, sent.length}) {
            MockHttpServletRequest request = post(sent, declared);
            MockHttpServletResponse response = new MockHttpServletResponse();
            MockFilterChain chain = new MockFilterChain();

            filter.doFilter(request, response, chain);

            assertThat(response.getStatus()).as("declared %d", declared).isEqualTo(413);
            assertThat(response.getContentType()).isEqualTo("application/problem+json");
            assertThat(chain.getRequest()).isNull();
            assertThat(request.getAttribute(RawBodyFilter.ATTRIBUTE)).isNull();
        }
    }

    /** A POST sending {@code body}, declaring {@code declared} bytes (-1: none, as a chunked body). */
    private static MockHttpServletRequest post(byte[] body, long declared) {
        return post(body, declared, false);
    }

    /** The same, {@code trickled}: at most 7 bytes a read, as a socket may give them. */
    private static MockHttpServletRequest post(byte[] body, long declared, boolean trickled) {
        InputStream bytes = new ByteArrayInputStream(body);
        ServletInputStream stream = new DelegatingServletInputStream(!trickled ? bytes : new FilterInputStream(bytes) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        });
        return new MockHttpServletRequest("POST", "/webhooks/stripe") {
            @Override
            public ServletInputStream getInputStream() {
                return stream;
            }

            @Override
            public long getContentLengthLong() {
                return declared;
            }

            @Override
            public int getContentLength() {
                return (int) declared;
            }
        };
    }
}

package dev.pasarela.api.refusals;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * An {@code Accept} header that does not parse is disregarded, as RFC 9110 allows and as Boot's
 * welcome page does. Left in place, Spring MVC refuses it after Camel's platform-http consumer
 * has already answered (an empty 406 and a warning that quotes the header), and an endpoint's
 * refusal could not be written in any type the caller "accepts".
 */
public class UnreadableAcceptFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        chain.doFilter(accept == null || readable(request) ? request : new WithoutAccept(request), response);
    }

    private static boolean readable(HttpServletRequest request) {
        try {
            for (Enumeration<String> values = request.getHeaders(HttpHeaders.ACCEPT); values.hasMoreElements(); ) {
                MediaType.parseMediaTypes(values.nextElement());
            }
            return true;
        } catch (IllegalArgumentException e) { // InvalidMediaTypeException among them {
            return false;
        }
    }

    private static final class WithoutAccept extends HttpServletRequestWrapper {
        WithoutAccept(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(n -> !HttpHeaders.ACCEPT.equalsIgnoreCase(n)).toList());
        }
    }
}

package dev.pasarela.security;

import dev.pasarela.api.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.web.filter.OncePerRequestFilter;

/** {@code /ops/**} needs {@code Authorization: Bearer <PASARELA_OPS_TOKEN>}; compared in constant time. */
public class OpsTokenFilter extends OncePerRequestFilter {

    private final byte[] token;

    public OpsTokenFilter(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                && MessageDigest.isEqual(token, auth.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(401);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"pasarela-ops\"");
        Problems.write(response, 401, "unauthorized", "Unauthorized",
                auth == null ? "The operations API needs an Authorization: Bearer token."
                        : "The bearer token is not valid for the operations API.",
                request.getRequestURI());
    }
}

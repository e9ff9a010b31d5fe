package dev.pasarela.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Guessing the console password: after {@code pasarela.console.max-login-failures} wrong logins from
 * one remote address (form or HTTP Basic), that address may not try again until
 * {@code pasarela.console.login-lockout} has passed since its last failure; a right login clears its
 * count. Told of each attempt by Spring Security's authentication events. In memory and per
 * replica (one operator login does not need Bucket4j on Redis); at most {@link #MAX_ADDRESSES}
 * addresses are remembered, expired ones forgotten first.
 */
public class ConsoleLoginThrottle implements AuthenticationEventPublisher {

    static final int MAX_ADDRESSES = 10_000;

    private record Failures(int count, Instant last) {}

    private final ConcurrentHashMap<String, Failures> byAddress = new ConcurrentHashMap<>();
    private final int maxFailures;
    private final Duration lockout;
    private final Clock clock;

    public ConsoleLoginThrottle(int maxFailures, Duration lockout, Clock clock) {
        this.maxFailures = maxFailures;
        this.lockout = lockout;
        this.clock = clock;
    }

    /** How long the address must still wait before it may try a password again; empty when it may now. */
    public Optional<Duration> lockedFor(String address) {
        Failures f = byAddress.get(address);
        if (f == null || f.count() < maxFailures) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), f.last().plus(lockout));
        if (left.isNegative() || left.isZero()) {
            byAddress.remove(address, f);
            return Optional.empty();
        }
        return Optional.of(left);
    }

    void failed(String address) {
        Instant now = clock.instant();
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.values().removeIf(f -> !f.last().plus(lockout).isAfter(now));
        }
        if (byAddress.size() < MAX_ADDRESSES || byAddress.containsKey(address)) {
            byAddress.merge(address, new Failures(1, now), (old, one) -> old.last().plus(lockout).isAfter(now)
                    ? new Failures(old.count() + 1, now) : one);
        }
    }

    void succeeded(String address) {
        byAddress.remove(address);
    }

    @Override
    public void publishAuthenticationSuccess(Authentication authentication) {
        address(authentication).ifPresent(this::succeeded);
    }

    @Override
    public void publishAuthenticationFailure(AuthenticationException exception, Authentication authentication) {
        address(authentication).ifPresent(this::failed);
    }

    private static Optional<String> address(Authentication authentication) {
        return authentication != null && authentication.getDetails() instanceof WebAuthenticationDetails details
                ? Optional.ofNullable(details.getRemoteAddress()) : Optional.empty();
    }
}

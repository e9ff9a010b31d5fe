package dev.pasarela.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Guessing the console password: an address (an IPv6 one by its /64, which one host usually holds
 * whole) gets {@code pasarela.console.max-login-failures} login attempts (form or HTTP Basic) per
 * {@code pasarela.console.login-lockout}, counted from its last failure; a right login clears its count.
 * An attempt is reserved ({@link #tryAcquire}) before the password is checked and counted with the
 * failures until it ends, so parallel requests cannot get one guess each; Spring Security's
 * authentication events then record its outcome. In memory and per replica (one operator login does
 * not need Bucket4j on Redis).
 * <p>
 * At most {@link #MAX_ADDRESSES} addresses are remembered, the least recently seen forgotten first:
 * a full table never stops a new address from being counted.
 * <p>
 * A locked address is refused even the right password, so the lock is keyed on what an attacker
 * cannot share with the operator: the console belongs on the management port on a private network,
 * and behind a proxy {@code server.forward-headers-strategy} must be set (docs/operations.md "Console").
 * We keep the lock rather than a delay that still admits the right password because any admission
 * while locked tells the guesser which password was right; the lock ends on its own.
 */
public class ConsoleLoginThrottle implements AuthenticationEventPublisher {

    static final int MAX_ADDRESSES = 10_000;

    /** Failures in the current window and attempts still being checked; guarded by the throttle's monitor. */
    private static final class Attempts {
        int failures;
        int inFlight;
        Instant last;
    }

    // access order: the least recently seen address is the one forgotten when the table is full
    private final Map<String, Attempts> byAddress = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Attempts> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };
    private final int maxFailures;
    private final Duration lockout;
    private final Clock clock;

    public ConsoleLoginThrottle(int maxFailures, Duration lockout, Clock clock) {
        this.maxFailures = maxFailures;
        this.lockout = lockout;
        this.clock = clock;
    }

    /**
     * Reserves one login attempt for the address: empty when it may try now (then {@link #release}
     * must follow once the attempt is over), otherwise how long it must wait.
     */
    public synchronized Optional<Duration> tryAcquire(String address) {
        Instant now = clock.instant();
        Attempts a = byAddress.computeIfAbsent(key(address), k -> new Attempts());
        expire(a, now);
        if (a.failures >= maxFailures) {
            return Optional.of(Duration.between(now, a.last.plus(lockout)));
        }
        if (a.failures + a.inFlight >= maxFailures) {
            return Optional.of(Duration.ofSeconds(1)); // the attempts being checked may still succeed
        }
        a.inFlight++;
        return Optional.empty();
    }

    /** Ends an attempt reserved by {@link #tryAcquire}; its failure, if any, was recorded by then. */
    public synchronized void release(String address) {
        String key = key(address);
        Attempts a = byAddress.get(key);
        if (a != null && a.inFlight > 0) {
            a.inFlight--;
            if (a.inFlight == 0 && a.failures == 0) {
                byAddress.remove(key);
            }
        }
    }

    /** How long the address must still wait before it may try a password again; empty when it may now. */
    public synchronized Optional<Duration> lockedFor(String address) {
        Attempts a = byAddress.get(key(address));
        if (a == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        expire(a, now);
        return a.failures >= maxFailures ? Optional.of(Duration.between(now, a.last.plus(lockout))) : Optional.empty();
    }

    synchronized void failed(String address) {
        Instant now = clock.instant();
        Attempts a = byAddress.computeIfAbsent(key(address), k -> new Attempts());
        expire(a, now);
        a.failures++;
        a.last = now;
    }

    synchronized void succeeded(String address) {
        String key = key(address);
        Attempts a = byAddress.get(key);
        if (a != null) {
            a.failures = 0;
            if (a.inFlight == 0) {
                byAddress.remove(key);
            }
        }
    }

    synchronized int remembered() {
        return byAddress.size();
    }

    private void expire(Attempts a, Instant now) {
        if (a.failures > 0 && !a.last.plus(lockout).isAfter(now)) {
            a.failures = 0;
        }
    }

    /** The address as counted: IPv4 as it is, IPv6 by its /64 prefix (an IPv4-mapped one as IPv4). */
    static String key(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        try {
            // a literal with ':' is parsed, never looked up in DNS
            InetAddress parsed = InetAddress.getByName(address);
            if (parsed instanceof Inet6Address) {
                byte[] prefix = java.util.Arrays.copyOf(parsed.getAddress(), 8);
                return HexFormat.of().formatHex(prefix) + "/64";
            }
            return parsed.getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
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

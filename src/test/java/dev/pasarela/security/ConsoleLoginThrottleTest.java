package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

class ConsoleLoginThrottleTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-05-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovableClock clock = new MovableClock();
    final ConsoleLoginThrottle throttle = new ConsoleLoginThrottle(3, Duration.ofMinutes(15), clock);

    static UsernamePasswordAuthenticationToken attempt(String address) {
        UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.unauthenticated("operator", "guess");
        token.setDetails(new WebAuthenticationDetails(address, null));
        return token;
    }

    void fail(String address) {
        throttle.publishAuthenticationFailure(new BadCredentialsException("Bad credentials"), attempt(address));
    }

    @Test
    void anAddressIsLockedAfterItsFailuresUntilTheLockoutPassesAndOthersAreNot() {
        fail("10.0.0.1");
        fail("10.0.0.1");
        assertThat(throttle.lockedFor("10.0.0.1")).isEmpty();
        fail("10.0.0.1");
        assertThat(throttle.lockedFor("10.0.0.1")).hasValue(Duration.ofMinutes(15));
        assertThat(throttle.lockedFor("10.0.0.2")).isEmpty();

        clock.now = clock.now.plus(Duration.ofMinutes(14));
        assertThat(throttle.lockedFor("10.0.0.1")).hasValue(Duration.ofMinutes(1));
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertThat(throttle.lockedFor("10.0.0.1")).isEmpty();
        // the count started again: one more failure does not lock
        fail("10.0.0.1");
        assertThat(throttle.lockedFor("10.0.0.1")).isEmpty();
    }

    @Test
    void aRightLoginClearsTheCountAndOldFailuresExpire() {
        fail("10.0.0.3");
        fail("10.0.0.3");
        throttle.publishAuthenticationSuccess(attempt("10.0.0.3"));
        fail("10.0.0.3");
        fail("10.0.0.3");
        assertThat(throttle.lockedFor("10.0.0.3")).isEmpty();
        clock.now = clock.now.plus(Duration.ofMinutes(16));
        fail("10.0.0.3"); // the two before are older than the lockout window
        assertThat(throttle.lockedFor("10.0.0.3")).isEmpty();
    }
}

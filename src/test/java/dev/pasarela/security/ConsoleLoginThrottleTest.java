package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.support.MovableClock;
import java.time.Duration;
import java.time.Instant;
import jakarta.servlet.FilterChain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

class ConsoleLoginThrottleTest {

    final MovableClock clock = MovableClock.at(Instant.parse("2026-05-01T10:00:00Z"));
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

        clock.advance(Duration.ofMinutes(14));
        assertThat(throttle.lockedFor("10.0.0.1")).hasValue(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
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
        clock.advance(Duration.ofMinutes(16));
        fail("10.0.0.3"); // the two before are older than the lockout window
        assertThat(throttle.lockedFor("10.0.0.3")).isEmpty();
    }

    @Test
    void aFullTableStillCountsANewAddressAndForgetsTheLeastRecentlySeen() {
        for (int i = 0; i < ConsoleLoginThrottle.MAX_ADDRESSES; i++) {
            fail("10.1." + (i / 250) + "." + (i % 250));
        }
        assertThat(throttle.remembered()).isEqualTo(ConsoleLoginThrottle.MAX_ADDRESSES);
        fail("192.0.2.7");
        fail("192.0.2.7");
        fail("192.0.2.7");
        assertThat(throttle.lockedFor("192.0.2.7")).hasValue(Duration.ofMinutes(15));
        assertThat(throttle.remembered()).isEqualTo(ConsoleLoginThrottle.MAX_ADDRESSES);
    }

    @Test
    void ipv6FailuresAreCountedPerSlash64() {
        fail("2001:db8:1:2::1");
        fail("2001:db8:1:2:ffff::9");
        fail("[2001:db8:1:2:0:0:0:abcd]");
        assertThat(throttle.lockedFor("2001:db8:1:2::42")).isPresent();
        assertThat(throttle.lockedFor("2001:db8:1:3::1")).isEmpty();
        // an IPv4-mapped address is the IPv4 one
        assertThat(ConsoleLoginThrottle.key("::ffff:10.0.0.9")).isEqualTo("10.0.0.9");
    }

    @Test
    void attemptsBeingCheckedCountSoParallelRequestsGetNoMoreGuessesThanTheLimit() throws Exception {
        int threads = 20;
        ConsoleSecurityConfiguration.LockedOutFilter filter = new ConsoleSecurityConfiguration.LockedOutFilter(
                throttle, PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/login"));
        AtomicInteger checked = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch allTried = new CountDownLatch(threads);
        // each password check waits until every request has passed the throttle: all of them at once in flight
        FilterChain checkPassword = (req, res) -> {
            checked.incrementAndGet();
            allTried.countDown();
            try {
                allTried.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            fail("10.9.9.9");
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    MockHttpServletRequest req = new MockHttpServletRequest("POST", "/login");
                    req.setRemoteAddr("10.9.9.9");
                    MockHttpServletResponse res = new MockHttpServletResponse();
                    filter.doFilter(req, res, checkPassword);
                    if (res.getStatus() == 429) {
                        allTried.countDown();
                    }
                    return res.getStatus();
                }));
            }
            start.countDown();
            int refused = 0;
            for (Future<Integer> a : answers) {
                refused += a.get(20, TimeUnit.SECONDS) == 429 ? 1 : 0;
            }
            assertThat(checked.get()).isEqualTo(3);
            assertThat(refused).isEqualTo(threads - 3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(throttle.lockedFor("10.9.9.9")).hasValue(Duration.ofMinutes(15));
        // once the checks are over, nothing is left reserved: after the lockout the address may try again
        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.tryAcquire("10.9.9.9")).isEmpty();
    }
}

package io.ucsync.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The throttle's rules, on a clock the test moves. */
class SignInThrottleTest {

    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private final SignInThrottle throttle = new SignInThrottle(clock);

    @Test
    void anAccountIsRefusedFromAnAddressAfterFiveFailuresUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < SignInThrottle.MAX_FAILURES_PER_ACCOUNT; i++) {
            assertThat(throttle.retryAfter("sip:a@x", "10.0.0.1")).isEmpty();
            throttle.failed("sip:a@x", "10.0.0.1");
            clock.now = clock.now.plusSeconds(10);
        }
        assertThat(throttle.retryAfter("sip:a@x", "10.0.0.1")).contains(SignInThrottle.WINDOW.minusSeconds(50));
        assertThat(throttle.retryAfter("sip:a@x", "10.0.0.2"))
                .as("the worker from elsewhere")
                .isEmpty();
        assertThat(throttle.retryAfter("sip:b@x", "10.0.0.1"))
                .as("another account from that address")
                .isEmpty();

        clock.now = clock.now.plus(SignInThrottle.WINDOW.minusSeconds(50));
        assertThat(throttle.retryAfter("sip:a@x", "10.0.0.1")).isEmpty();
    }

    @Test
    void anAddressIsRefusedForEveryAccountAfterTwentyFailuresAndARightPasswordClearsOnlyItsAccount() {
        for (int i = 0; i < SignInThrottle.MAX_FAILURES_PER_ADDRESS; i++) {
            throttle.failed("sip:w" + (i % 4) + "@x", "10.0.0.9");
        }
        assertThat(throttle.retryAfter("sip:new@x", "10.0.0.9")).contains(SignInThrottle.WINDOW);
        throttle.succeeded("sip:new@x", "10.0.0.9");
        assertThat(throttle.retryAfter("sip:new@x", "10.0.0.9")).isPresent();

        throttle.failed("sip:c@x", "10.0.0.3");
        throttle.succeeded("sip:c@x", "10.0.0.3");
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("sip:c@x", "10.0.0.3")).isEmpty();
    }
}

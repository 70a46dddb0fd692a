package io.ucsync.sip.internal;

import java.util.concurrent.ThreadLocalRandom;

/** When to refresh what the server granted, and how long to wait before retrying what failed. */
public final class SipTimers {

    private SipTimers() {}

    /**
     * Milliseconds until a registration, subscription or publication granted for {@code grantedSeconds} is
     * refreshed: two minutes early for long grants (as pidgin-sipe does), halfway through short ones.
     */
    public static long refreshDelayMillis(int grantedSeconds) {
        if (grantedSeconds > 240) {
            return (grantedSeconds - 120) * 1000L;
        }
        return Math.max(500L, grantedSeconds * 500L);
    }

    /**
     * The wait before attempt {@code failures + 1}: {@code initial} doubled per earlier failure, capped at
     * {@code max}, plus up to 10% jitter so that many subscriptions failing together do not retry together.
     */
    public static long backoffMillis(long initial, long max, int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        long delay = Math.min(max, initial << doublings);
        return delay + ThreadLocalRandom.current().nextLong(delay / 10 + 1);
    }
}

package io.ucsync.sip.internal;

import java.util.ConcurrentModificationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sip.SipStack;

/** What every JAIN-SIP stack ucsync runs (its user agents, the front-end emulator) needs around the stack itself. */
public final class SipStacks {

    /** How long a stop waits for a UDP listener's thread that has only just been started. */
    private static final long STOP_WAIT_MILLIS = 2000;

    private SipStacks() {}

    /**
     * Stops the stack. JAIN-SIP's UDP listener makes its channel list on its own thread once that thread runs, and its
     * stop fails when it comes before or while it does (NullPointerException, or ConcurrentModificationException from
     * the list being filled as the stop walks it; the stack half stopped): a stack stopped right after it started (a
     * start that fails at once, a test that closes at once) is stopped again until its threads have run.
     */
    public static void stop(SipStack stack) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
        while (true) {
            try {
                stack.stop();
                return;
            } catch (NullPointerException | ConcurrentModificationException notRunningYet) {
                if (System.nanoTime() - deadline > 0) {
                    throw notRunningYet;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }
}

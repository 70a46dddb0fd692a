package io.ucsync.sip.internal;

import io.ucsync.sip.internal.Subscription.DialogRef;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The subscriptions' dialogs by {@link DialogState#key()}, where a NOTIFY finds its subscription. Its own class because
 * the agent thread opens and ends dialogs while SIP threads look them up, and because an ended dialog lingers: for 64 *
 * T1 it still answers late or retransmitted NOTIFYs with 200, so that the server does not take them for a failure.
 */
final class SubscriptionDialogs {

    /** How long an ended dialog still answers late or retransmitted NOTIFYs with 200 (64 * T1). */
    private static final long CLOSED_DIALOG_GRACE_MILLIS = 32_000;

    private final Map<String, DialogRef> dialogs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService agent;

    SubscriptionDialogs(ScheduledExecutorService agent) {
        this.agent = agent;
    }

    /** A new dialog for the subscription's next attempt (agent thread). */
    DialogRef open(Subscription s, DialogState dialog) {
        DialogRef ref = new DialogRef(s, dialog);
        dialogs.put(dialog.key(), ref);
        return ref;
    }

    /** The dialog of a NOTIFY's Call-ID and To tag, or null (any thread). */
    DialogRef find(String callId, String toTag) {
        return toTag == null ? null : dialogs.get(DialogState.key(callId, toTag));
    }

    /**
     * Ends a dialog (agent thread): with grace it still answers late NOTIFYs with 200 for a while; without, later
     * NOTIFYs get 481 at once, which tells the server to drop its side.
     */
    void retire(DialogRef ref, boolean grace) {
        if (ref == null) {
            return;
        }
        ref.closed = true;
        String key = ref.dialog.key();
        if (grace) {
            agent.schedule(() -> dialogs.remove(key, ref), CLOSED_DIALOG_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            dialogs.remove(key, ref);
        }
    }

    /** Dialogs kept, including ended ones still in their grace period (any thread). */
    int size() {
        return dialogs.size();
    }
}

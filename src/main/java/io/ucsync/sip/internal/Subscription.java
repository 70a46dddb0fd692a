package io.ucsync.sip.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import javax.sip.address.Address;

/**
 * One subscription: a worker, or a batch of workers in one MS-PRES SUBSCRIBE, with the dialog of its current attempt
 * and where it stands in its life. A class of its own because three parties share it: {@link Subscriptions} decides
 * which workers it carries, {@link SubscriptionLifecycle} moves it from state to state on the agent thread, and the
 * notification lanes read its members and dialog.
 */
final class Subscription {

    enum State {
        /** Initial SUBSCRIBE sent, no answer yet. */
        SUBSCRIBING,
        /** Answered 2xx; refreshed before it expires. */
        ACTIVE,
        /** Failed or ended by the server; a retry is scheduled. */
        WAITING,
        /** The front-end server in use failed; subscribed again once a server answers. */
        SUSPENDED,
        /** No longer wanted; unsubscribed. */
        CLOSED
    }

    /** A dialog of this subscription as NOTIFYs find it; closed once unsubscribed or ended. */
    static final class DialogRef {
        final Subscription subscription;
        final DialogState dialog;
        volatile boolean closed;

        DialogRef(Subscription subscription, DialogState dialog) {
            this.subscription = subscription;
            this.dialog = dialog;
        }
    }

    final String id;
    final boolean batch;
    final Address target;
    /** Shrinks on the agent thread when a batch is refreshed or re-created; lanes read it. */
    final List<String> members;

    volatile State state = State.SUBSCRIBING;
    DialogRef ref;
    ScheduledFuture<?> timer;
    /** Counts the SUBSCRIBEs begun, so that one still waiting in the pacer when a newer one began is not sent. */
    int attempt;

    int failures;
    int expires;
    volatile long expiresAtMillis;
    /** Made again on a new server after a failure there, which the agent reports once for all of them. */
    boolean remade;

    Subscription(String id, boolean batch, Address target, List<String> members, int expires) {
        this.id = id;
        this.batch = batch;
        this.target = target;
        this.members = new CopyOnWriteArrayList<>(members);
        this.expires = expires;
    }

    /** The worker or workers, for log lines. */
    String describe() {
        if (!batch) {
            return members.get(0);
        }
        String first = String.join(", ", members.subList(0, Math.min(3, members.size())));
        return "batch " + id + " [" + first + (members.size() > 3 ? ", +" + (members.size() - 3) + " more" : "") + "]";
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}

package io.ucsync.tlib.link;

import io.ucsync.tlib.protocol.TlibMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link's listeners, and the events held while it has none (a route being reloaded, or not started yet), up to
 * {@value #MAX_HELD_EVENTS}, for the next one added. Separate so that every way an event reaches the listeners (live,
 * from a resync, held) goes through one place that keeps their order and survives a failing listener.
 * <p>
 * Confined to the link's event loop: every method runs on it.
 */
final class LinkListeners {

    /** The link's own logger, so that one logger setting covers everything the link says. */
    private static final Logger LOG = LoggerFactory.getLogger(TServerLink.class);

    static final int MAX_HELD_EVENTS = 10_000;

    private record HeldEvent(TlibMessage event, EventKind kind) {}

    private final String linkName;
    private final List<TServerLinkListener> listeners = new CopyOnWriteArrayList<>();
    private final Deque<HeldEvent> held = new ArrayDeque<>();
    private long droppedWhileHeld;

    LinkListeners(String linkName) {
        this.linkName = linkName;
    }

    /** Adds a listener and hands it the events held so far, first. */
    void add(TServerLinkListener listener) {
        listeners.add(listener);
        if (droppedWhileHeld > 0) {
            LOG.warn(
                    "T-Server link '{}': {} events dropped while no listener was attached", linkName, droppedWhileHeld);
            droppedWhileHeld = 0;
        }
        List<HeldEvent> replay = new ArrayList<>(held);
        held.clear();
        for (HeldEvent event : replay) {
            deliver(event.event(), event.kind());
        }
    }

    void remove(TServerLinkListener listener) {
        listeners.remove(listener);
    }

    void deliver(TlibMessage event, EventKind kind) {
        if (listeners.isEmpty()) {
            hold(event, kind);
            return;
        }
        for (TServerLinkListener listener : listeners) {
            try {
                listener.onEvent(event, kind);
            } catch (RuntimeException e) {
                LOG.warn("T-Server link '{}': listener failed on {}: {}", linkName, event.name(), e.toString());
            }
        }
    }

    private void hold(TlibMessage event, EventKind kind) {
        if (held.size() == MAX_HELD_EVENTS) {
            held.removeFirst();
            if (droppedWhileHeld++ == 0) {
                LOG.warn(
                        "T-Server link '{}': no listener for {} events; dropping the oldest until one is added",
                        linkName,
                        MAX_HELD_EVENTS);
            }
        }
        held.addLast(new HeldEvent(event, kind));
    }

    /** Tells the listeners there are now; a change of state is not held for later ones. */
    void stateChanged(LinkState state, String detail) {
        for (TServerLinkListener listener : listeners) {
            try {
                listener.onStateChanged(state, detail);
            } catch (RuntimeException e) {
                LOG.warn("T-Server link '{}': listener failed on state {}: {}", linkName, state, e.toString());
            }
        }
    }
}

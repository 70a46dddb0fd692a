package io.ucsync.tlib.link;

import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/** Keeps what a link hands its listeners, in order, for tests to await and inspect. */
final class RecordingListener implements TServerLinkListener {

    record Received(TlibMessage event, boolean fromResync) {}

    final List<Received> events = new CopyOnWriteArrayList<>();
    final List<LinkState> states = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(TlibMessage event, EventKind kind) {
        events.add(new Received(event, kind.fromResync()));
    }

    @Override
    public void onStateChanged(LinkState state, String detail) {
        states.add(state);
    }

    /** The first event of this type on this DN (any DN when null) after the first {@code skip} events, awaited. */
    TlibMessage next(MessageType type, String dn) {
        return next(type, dn, 0);
    }

    TlibMessage next(MessageType type, String dn, int skip) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> find(type, dn, skip), found -> found != null);
    }

    private TlibMessage find(MessageType type, String dn, int skip) {
        return events.stream()
                .skip(skip)
                .map(Received::event)
                .filter(event -> event.type() == type && (dn == null || dn.equals(event.getThisDN())))
                .findFirst()
                .orElse(null);
    }

    List<TlibMessage> resyncEvents() {
        return events.stream().filter(Received::fromResync).map(Received::event).toList();
    }
}

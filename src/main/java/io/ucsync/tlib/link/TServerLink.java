package io.ucsync.tlib.link;

import static io.ucsync.tlib.link.PendingRequests.complete;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's one long-lived TLW/1 connection to a T-Server pair (src/main/docs/tlw1.md sections 5-7).
 * <p>
 * It finds the primary among the configured endpoints, registers as a client, registers every DN it has been
 * asked about, queries each of them and hands each answer to its listeners as it arrives. It takes requests from
 * the moment it has a primary ({@link LinkState#RESYNCING} and {@link LinkState#UP}), since a listener may answer a
 * resync report with a request; one on a DN still being registered waits for that registration. Requests are matched
 * to their direct response by ReferenceID; EventError, a timeout or a lost connection fail them with a
 * {@link TServerLinkException}, and a request is never re-sent: after a reconnect the listeners get every DN's state
 * again and decide what still has to be asked. Everything else the server sends goes to the listeners.
 * <p>
 * This class is the link's life cycle and state, and the wiring of its parts: {@link PrimaryFinder} finds the primary,
 * {@link DnRegistrations} registers the DNs on it, {@link PendingRequests} matches requests with their answers and
 * {@link LinkListeners} hands events on. All of them live on one Netty event loop, so the connection, the pending
 * requests and the registrations change in one order without locks; the public methods hand their work to that loop.
 */
public final class TServerLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TServerLink.class);

    private final String name;
    private final TServerLinkConfig config;
    private final EventLoopGroup ownGroup;
    private final EventLoop loop;
    private final LinkListeners listeners;
    private final PendingRequests requests;
    private final DnRegistrations registrations;
    private final PrimaryFinder finder;

    // Confined to the event loop.
    private Channel primary;
    /** The server the link was last up on (its resync done), to tell a switchover from a reconnect. */
    private String lastUpOn;
    /** Whether start() has run. */
    private boolean started;

    private volatile LinkState state = LinkState.CONNECTING;
    private volatile String connectedTo;
    private volatile boolean switchLinkUp;

    /**
     * A link on an event loop of {@code group}, which its owner shuts down; with a null group the link runs on a
     * loop of its own and shuts it down on {@link #close()}. Call {@link #start()} to connect.
     */
    public TServerLink(String name, TServerLinkConfig config, EventLoopGroup group) {
        this.name = name;
        this.config = config;
        this.ownGroup = group == null ? new NioEventLoopGroup(1) : null;
        this.loop = (group == null ? ownGroup : group).next();
        this.listeners = new LinkListeners(name);
        this.requests = new PendingRequests(name, loop, config.requestTimeout());
        this.registrations = new DnRegistrations(this, loop, requests, listeners);
        this.finder = new PrimaryFinder(this, loop, requests);
    }

    public String name() {
        return name;
    }

    public TServerLinkConfig config() {
        return config;
    }

    public LinkState state() {
        return state;
    }

    /** host:port of the server the link is registered with, or null while it has none. */
    public String connectedTo() {
        return connectedTo;
    }

    /** Whether that server last reported its switch link up (EventLinkConnected) rather than down. */
    public boolean switchLinkUp() {
        return switchLinkUp;
    }

    /** On the loop: the connection to the primary, or null while the link has none. */
    Channel primary() {
        return primary;
    }

    /**
     * Adds a listener. Events that arrived while the link had none (a route being reloaded, or not started yet)
     * are held, up to {@value LinkListeners#MAX_HELD_EVENTS}, and handed to the next listener first.
     */
    public void addListener(TServerLinkListener listener) {
        loop.execute(() -> listeners.add(listener));
    }

    public void removeListener(TServerLinkListener listener) {
        loop.execute(() -> listeners.remove(listener));
    }

    /** Starts looking for the primary; returns at once. Starting a started (or closed) link does nothing. */
    public void start() {
        loop.execute(() -> {
            if (!started && state != LinkState.CLOSED) {
                started = true;
                finder.findPrimary();
            }
        });
    }

    /**
     * Sends a request and completes with its direct response. The link sets the request's ReferenceID; the
     * request must not be touched afterwards. A request on a DN the link has not registered registers it first,
     * and the DN is registered again after every reconnect. RequestRegisterClient is the link's own business and
     * is refused.
     *
     * @return completes with the response event, or exceptionally with {@link TServerErrorException} (EventError),
     *         {@link TServerTimeoutException} or {@link LinkDownException}
     */
    public CompletableFuture<TlibMessage> request(TlibMessage request) {
        return request(request, null);
    }

    /**
     * Like {@link #request(TlibMessage)}, for a sender whose right to send may lapse while the request waits (a
     * cluster node paused after deciding it): the link writes it only while {@link System#nanoTime()} has not passed
     * {@code sendBy}, checked on the link's loop just before the write, and else completes with
     * {@link RequestExpiredException}.
     *
     * @param sendBy a {@link System#nanoTime()} of this JVM, or null for no limit
     */
    public CompletableFuture<TlibMessage> request(TlibMessage request, Long sendBy) {
        if (request.type() == null || !request.type().isRequest()) {
            throw new IllegalArgumentException("not a T-Library request: " + request.name());
        }
        if (request.type() == MessageType.RequestRegisterClient) {
            throw new IllegalArgumentException("the link registers itself as a client; send requests on DNs");
        }
        CompletableFuture<TlibMessage> result = new CompletableFuture<>();
        loop.execute(() -> submit(request, sendBy, result));
        return result;
    }

    /**
     * Registers the DN, now if the link is up and again after every reconnect, and asks its state: its EventAddressInfo
     * reaches the listeners (as from a resync) now, even when the DN was registered already, and with every resync.
     *
     * @return completes with the EventAddressInfo, or with null when the link is not up (the next resync does it)
     */
    public CompletableFuture<TlibMessage> register(String dn) {
        return onLoop(() -> registrations.register(dn));
    }

    /**
     * Unregisters the DN: it is not registered again after a reconnect, and its events stop once the T-Server has
     * answered (events already on their way still come).
     *
     * @return completes once the T-Server answered, or at once when the DN was not registered on the connection up now
     */
    public CompletableFuture<Void> unregister(String dn) {
        return onLoop(() -> registrations.unregister(dn));
    }

    /** The DNs registered again after each reconnect. */
    public CompletableFuture<Set<String>> registeredDns() {
        return CompletableFuture.supplyAsync(registrations::wanted, loop);
    }

    /** Requests sent and not yet answered. */
    public CompletableFuture<Integer> pendingRequests() {
        return CompletableFuture.supplyAsync(requests::size, loop);
    }

    @Override
    public void close() {
        if (!loop.isShuttingDown()) {
            loop.submit(() -> {
                        setState(LinkState.CLOSED, "closed");
                        finder.stop();
                        if (primary != null) {
                            primary.close();
                        }
                        requests.failAll(null, "T-Server link '" + name + "' closed");
                    })
                    .awaitUninterruptibly(config.requestTimeout().toMillis());
        }
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Runs {@code work} on the loop and hands its outcome on as it is. */
    private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> work.get().whenComplete((value, error) -> complete(result, value, error)));
        return result;
    }

    private void submit(TlibMessage request, Long sendBy, CompletableFuture<TlibMessage> result) {
        if (state != LinkState.UP && state != LinkState.RESYNCING) {
            result.completeExceptionally(
                    new LinkDownException("T-Server link '" + name + "' is " + state + "; " + request.type()
                            + (request.getThisDN() == null ? "" : " on DN " + request.getThisDN()) + " not sent"));
            return;
        }
        long late = sendBy == null ? 0 : System.nanoTime() - sendBy;
        if (late > 0) {
            result.completeExceptionally(new RequestExpiredException(name, request, Duration.ofNanos(late)));
            return;
        }
        String dn = request.getThisDN();
        if (request.type() == MessageType.RequestRegisterAddress && dn != null) {
            registrations.ensureRegistered(dn).whenComplete((answer, error) -> complete(result, answer, error));
        } else if (request.type() == MessageType.RequestUnregisterAddress && dn != null) {
            registrations.forget(dn);
            requests.send(primary, request).whenComplete((answer, error) -> complete(result, answer, error));
        } else if (dn != null && !registrations.isRegistered(dn)) {
            registrations.ensureRegistered(dn).whenComplete((answer, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    submit(request, sendBy, result);
                }
            });
        } else {
            requests.send(primary, request).whenComplete((answer, error) -> complete(result, answer, error));
        }
    }

    /** Called by the finder: {@code channel}'s server is Primary; the resync starts. */
    void becomePrimary(Channel channel) {
        primary = channel;
        connectedTo = HostPort.remoteOf(channel);
        setState(LinkState.RESYNCING, "registered with primary " + connectedTo);
        EventKind kind =
                lastUpOn != null && !lastUpOn.equals(connectedTo) ? EventKind.RESYNC_ON_NEW_SERVER : EventKind.RESYNC;
        registrations.resync(channel, kind, summary -> {
            lastUpOn = connectedTo;
            setState(LinkState.UP, "up on " + connectedTo + ": " + summary);
        });
    }

    /** What a connection's server sent, answer or event. */
    void onMessage(Channel channel, TlibMessage message) {
        if (requests.answer(channel, message) || finder.takePromotion(channel, message)) {
            return;
        }
        if (channel != primary) {
            return; // a backup's events while the link only waits for its promotion
        }
        if (message.type() == MessageType.EventLinkConnected || message.type() == MessageType.EventLinkDisconnected) {
            switchLinkUp = message.type() == MessageType.EventLinkConnected;
            LOG.info("T-Server link '{}': switch link {} on {}", name, switchLinkUp ? "up" : "down", connectedTo);
        } else if (message.type() == MessageType.EventPrimaryChanged) {
            LOG.info(
                    "T-Server link '{}': {} reports primary changed (role {}); staying",
                    name,
                    connectedTo,
                    message.getServerRole());
        }
        listeners.deliver(message, EventKind.LIVE);
    }

    /** A connection closed: the primary's loss starts the search again. */
    void onClosed(Channel channel) {
        if (finder.standbyClosed(channel)) {
            return;
        }
        requests.failAll(channel, "connection to T-Server " + HostPort.remoteOf(channel) + " lost");
        if (channel != primary) {
            return;
        }
        primary = null;
        connectedTo = null;
        switchLinkUp = false;
        registrations.connectionLost();
        if (state == LinkState.CLOSED) {
            return;
        }
        setState(LinkState.CONNECTING, "lost connection to " + HostPort.remoteOf(channel) + "; reconnecting");
        finder.findPrimary();
    }

    private void setState(LinkState newState, String detail) {
        state = newState;
        if (newState == LinkState.UP || newState == LinkState.CLOSED) {
            LOG.info("T-Server link '{}' {}", name, detail);
        } else if (newState == LinkState.CONNECTING) {
            LOG.warn("T-Server link '{}': {}", name, detail);
        }
        listeners.stateChanged(newState, detail);
    }

    @Override
    public String toString() {
        return "T-Server link '" + name + "' (" + state + (connectedTo == null ? "" : " on " + connectedTo) + ")";
    }
}

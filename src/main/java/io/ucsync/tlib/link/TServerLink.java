package io.ucsync.tlib.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.ucsync.tlib.codec.TlwCodec;
import io.ucsync.tlib.codec.TlwKeepAlive;
import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AddressType;
import io.ucsync.tlib.protocol.ControlMode;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.RegisterMode;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import io.ucsync.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's one long-lived TLW/1 connection to a T-Server pair (src/main/docs/tlw1.md sections 5-7).
 * <p>
 * It finds the primary among the configured endpoints, registers as a client, registers every DN it has been
 * asked about, queries each of them and hands each answer to its listeners as it arrives. It takes requests from
 * the moment it has a primary ({@link LinkState#RESYNCING} and {@link LinkState#UP}), since a listener may answer a
 * resync report with a request; one on a DN still being registered waits for that registration. Requests are matched to their direct response by ReferenceID; EventError, a timeout or
 * a lost connection fail them with a {@link TServerLinkException}, and a request is never re-sent: after a
 * reconnect the listeners get every DN's state again and decide what still has to be asked. Everything else the
 * server sends goes to the listeners.
 * <p>
 * All state lives on one Netty event loop, so the connection, the pending requests and the registrations change
 * in one order without locks; the public methods hand their work to that loop.
 */
public final class TServerLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TServerLink.class);
    private static final String PROTOCOL_VERSION = "TLW/1";
    private static final String REMOTE_KEEPALIVE_KEY = "keepalive-remote-timeout";
    static final int MAX_HELD_EVENTS = 10_000;
    /**
     * DN registrations and queries in flight at most: thousands sent at once (a start, a resync, a partition taken
     * over) would wait in the T-Server's queue past their timeout, and their retries would make the queue longer.
     */
    static final int MAX_SETUP_REQUESTS_IN_FLIGHT = 256;
    /**
     * The TLS failure a connection saw, in its handshake or as an alert after it, kept for the listener that reports
     * it: the handler closes the channel on it before that listener runs.
     */
    private static final AttributeKey<Throwable> TLS_FAILURE = AttributeKey.valueOf("ucsync.tls-failure");

    private final String name;
    private final TServerLinkConfig config;
    private final EventLoopGroup ownGroup;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final SSLContext sslContext;
    private final List<TServerLinkListener> listeners = new CopyOnWriteArrayList<>();

    // Confined to the event loop.
    private final Set<String> dns = new LinkedHashSet<>();
    private final Set<String> registeredOnConnection = new HashSet<>();
    private final Map<String, CompletableFuture<TlibMessage>> registering = new HashMap<>();
    private final Map<Integer, PendingRequest> pending = new HashMap<>();
    private final Deque<Runnable> setupRequestsWaiting = new ArrayDeque<>();
    private int setupRequestsInFlight;
    private final Deque<HeldEvent> held = new ArrayDeque<>();
    private long droppedWhileHeld;
    private int lastReferenceId;
    private Channel primary;
    private Channel standby;
    private ScheduledFuture<?> retryTask;
    private Duration backoff;
    /** Why each endpoint failed in the round over the endpoints under way, in order. */
    private final List<String> roundFailures = new ArrayList<>();

    private final FailureTally failedRegistrations =
            new FailureTally("DN registration(s) failed", "each is tried again");
    private final FailureTally failedQueries = new FailureTally("DN query(ies) failed", "each is asked again");
    /** What the last outage line said: a retry failing alike stays quiet, a new reason is told; null while up. */
    private String reportedOutage;

    private volatile LinkState state = LinkState.CONNECTING;
    private volatile String connectedTo;
    /** The server the link was last up on (its resync done), to tell a switchover from a reconnect. */
    private String lastUpOn;

    private volatile boolean switchLinkUp;
    /** On the loop: whether start() has run. */
    private boolean started;

    private record HeldEvent(TlibMessage event, EventKind kind) {}

    private record PendingRequest(
            TlibMessage request, CompletableFuture<TlibMessage> result, Channel channel, ScheduledFuture<?> timeout) {}

    /**
     * A link on an event loop of {@code group}, which its owner shuts down; with a null group the link runs on a
     * loop of its own and shuts it down on {@link #close()}. Call {@link #start()} to connect.
     */
    public TServerLink(String name, TServerLinkConfig config, EventLoopGroup group) {
        this.name = name;
        this.config = config;
        this.ownGroup = group == null ? new NioEventLoopGroup(1) : null;
        this.loop = (group == null ? ownGroup : group).next();
        this.backoff = config.reconnectDelay();
        // built once, so that a store that cannot be read fails here, naming its file
        this.sslContext = config.tls() == null ? null : config.tls().sslContext();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, config.requestTimeout().toMillis()));
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

    /**
     * Adds a listener. Events that arrived while the link had none (a route being reloaded, or not started yet)
     * are held, up to {@value #MAX_HELD_EVENTS}, and handed to the next listener first.
     */
    public void addListener(TServerLinkListener listener) {
        loop.execute(() -> {
            listeners.add(listener);
            if (droppedWhileHeld > 0) {
                LOG.warn(
                        "T-Server link '{}': {} events dropped while no listener was attached", name, droppedWhileHeld);
                droppedWhileHeld = 0;
            }
            List<HeldEvent> replay = new ArrayList<>(held);
            held.clear();
            for (HeldEvent event : replay) {
                deliver(event.event(), event.kind());
            }
        });
    }

    public void removeListener(TServerLinkListener listener) {
        loop.execute(() -> listeners.remove(listener));
    }

    /** Starts looking for the primary; returns at once. Starting a started (or closed) link does nothing. */
    public void start() {
        loop.execute(() -> {
            if (!started && state != LinkState.CLOSED) {
                started = true;
                connect(0);
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
        if (request.type() == null || !request.type().isRequest()) {
            throw new IllegalArgumentException("not a T-Library request: " + request.name());
        }
        if (request.type() == MessageType.RequestRegisterClient) {
            throw new IllegalArgumentException("the link registers itself as a client; send requests on DNs");
        }
        CompletableFuture<TlibMessage> result = new CompletableFuture<>();
        loop.execute(() -> submit(request, result));
        return result;
    }

    /**
     * Registers the DN, now if the link is up and again after every reconnect, and asks its state: its EventAddressInfo
     * reaches the listeners (as from a resync) now, even when the DN was registered already, and with every resync.
     *
     * @return completes with the EventAddressInfo, or with null when the link is not up (the next resync does it)
     */
    public CompletableFuture<TlibMessage> register(String dn) {
        CompletableFuture<TlibMessage> result = new CompletableFuture<>();
        loop.execute(() -> {
            dns.add(dn);
            if (state != LinkState.UP) {
                result.complete(null); // the resync under way, or the next one, registers it
                return;
            }
            registerAndQuery(dn).whenComplete((info, error) -> complete(result, info, error));
        });
        return result;
    }

    /** On the loop, while up: registers a DN new to the link and hands its EventAddressInfo to the listeners. */
    private CompletableFuture<TlibMessage> registerAndQuery(String dn) {
        Channel channel = primary;
        return ensureRegistered(dn)
                .thenCompose(registered -> sendPaced(channel, query(dn)))
                .whenComplete((info, error) -> {
                    if (info != null) {
                        deliver(info, EventKind.RESYNC);
                    } else if (registeredOnConnection.contains(dn)) {
                        queryFailed(
                                dn, channel,
                                error); // registered, not queried (a failed registration is tried again by itself)
                    }
                });
    }

    /**
     * Unregisters the DN: it is not registered again after a reconnect, and its events stop once the T-Server has
     * answered (events already on their way still come).
     *
     * @return completes once the T-Server answered, or at once when the DN was not registered on the connection up now
     */
    public CompletableFuture<Void> unregister(String dn) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        loop.execute(() -> {
            dns.remove(dn);
            if (state == LinkState.CLOSED || !registeredOnConnection.remove(dn)) {
                result.complete(null);
                return;
            }
            send(
                            primary,
                            TlibMessage.create(MessageType.RequestUnregisterAddress)
                                    .thisDN(dn))
                    .whenComplete((answer, error) -> {
                        if (error != null) {
                            LOG.debug("T-Server link '{}': DN {} not unregistered: {}", name, dn, error.getMessage());
                        }
                        result.complete(null);
                    });
        });
        return result;
    }

    /** The DNs registered again after each reconnect. */
    public CompletableFuture<Set<String>> registeredDns() {
        return CompletableFuture.supplyAsync(() -> Set.copyOf(dns), loop);
    }

    /** Requests sent and not yet answered. */
    public CompletableFuture<Integer> pendingRequests() {
        return CompletableFuture.supplyAsync(pending::size, loop);
    }

    @Override
    public void close() {
        if (!loop.isShuttingDown()) {
            loop.submit(() -> {
                        setState(LinkState.CLOSED, "closed");
                        cancelRetry();
                        closeQuietly(standby);
                        closeQuietly(primary);
                        failPending(null, "T-Server link '" + name + "' closed");
                    })
                    .awaitUninterruptibly(config.requestTimeout().toMillis());
        }
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    // ---- finding the primary (src/main/docs/tlw1.md section 7) ----

    private void connect(int index) {
        if (state == LinkState.CLOSED) {
            return;
        }
        if (index == 0) {
            roundFailures.clear();
        }
        InetSocketAddress endpoint = config.endpoints().get(index);
        ChannelFuture connecting = bootstrap
                .clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (sslContext != null) {
                            channel.pipeline()
                                    .addLast(
                                            "tls",
                                            new SslHandler(config.tls()
                                                    .clientEngine(
                                                            sslContext, endpoint.getHostString(), endpoint.getPort())));
                        }
                        TlwCodec.install(channel.pipeline(), config.maxFrameSize());
                        TlwKeepAlive.install(channel.pipeline(), config.keepAliveTimeout());
                        channel.pipeline().addLast("tserverLink", new ConnectionHandler(index));
                    }
                })
                .connect(new InetSocketAddress(endpoint.getHostString(), endpoint.getPort()));
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                LOG.debug(
                        "T-Server link '{}': cannot reach {}: {}",
                        name,
                        describe(endpoint),
                        done.cause().toString());
                tryNext(
                        index,
                        "cannot reach " + describe(endpoint) + ": "
                                + done.cause().getMessage());
                return;
            }
            SslHandler tls = connecting.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
                registerClient(connecting.channel(), index);
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    registerClient(connecting.channel(), index);
                } else {
                    // the handler may have closed the channel on the handshake's exception before the handshake
                    // future failed (then with ClosedChannelException): the exception says why
                    Throwable seen = connecting.channel().attr(TLS_FAILURE).get();
                    connecting.channel().close();
                    String why = seen != null
                            ? TlsSettings.handshakeFailure(seen)
                            : handshake.cause() instanceof ClosedChannelException
                                    ? "the server closed the connection (a plain TLW/1 port?)"
                                    : TlsSettings.handshakeFailure(handshake.cause());
                    tryNext(index, "TLS with " + describe(endpoint) + " failed: " + why);
                }
            });
        });
    }

    private void registerClient(Channel channel, int index) {
        TlibMessage registerClient = TlibMessage.create(MessageType.RequestRegisterClient)
                .applicationName(config.applicationName())
                .protocolVersion(PROTOCOL_VERSION);
        if (!config.remoteKeepAlive().isZero()) {
            registerClient.extensions(new KeyValueCollection()
                    .addInt(REMOTE_KEEPALIVE_KEY, (int) config.remoteKeepAlive().toSeconds()));
        }
        send(channel, registerClient).whenComplete((serverInfo, error) -> {
            if (state == LinkState.CLOSED) {
                channel.close();
            } else if (error != null) {
                LOG.debug(
                        "T-Server link '{}': registration with {} failed: {}", name, remote(channel), error.toString());
                channel.close();
                tryNext(index, registrationFailure(config.endpoints().get(index), channel, error));
            } else if (serverInfo.getServerRole() == ServerRole.Primary) {
                becomePrimary(channel);
            } else {
                standBy(channel, index);
            }
        });
    }

    /**
     * Why registration with an endpoint failed, for the outage line. A TLS alert comes first: in TLS 1.3 a server
     * refuses the client's certificate only after the client's side of the handshake is done, then closes.
     */
    private String registrationFailure(InetSocketAddress endpoint, Channel channel, Throwable error) {
        Throwable tls = channel.attr(TLS_FAILURE).get();
        if (tls != null) {
            return "TLS with " + describe(endpoint) + " failed: " + TlsSettings.handshakeFailure(tls)
                    + " (after the handshake: the T-Server refused this link's certificate, or its lack of one)";
        }
        if (error instanceof LinkDownException) {
            return describe(endpoint) + " closed the connection before answering RequestRegisterClient"
                    + (sslContext == null ? " (a TLS port? this link speaks plain TLW/1)" : "");
        }
        return describe(endpoint) + " refused registration: " + error.getMessage();
    }

    /**
     * The server is Backup. The next endpoint is tried; if this was the last one, the connection is kept for one
     * back-off period, so that a promotion (EventPrimaryChanged) is taken at once rather than at the next round.
     */
    private void standBy(Channel channel, int index) {
        if (index + 1 < config.endpoints().size()) {
            roundFailures.add(remote(channel) + " is Backup");
            channel.close();
            connect(index + 1);
            return;
        }
        LOG.debug(
                "T-Server link '{}': {} is Backup; waiting {} ms for a promotion",
                name,
                remote(channel),
                backoff.toMillis());
        standby = channel;
        retryTask = loop.schedule(
                () -> {
                    standby = null;
                    channel.close();
                    roundFailures.add(remote(channel) + " is Backup and was not promoted");
                    roundFailed();
                },
                backoff.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void tryNext(int index, String reason) {
        roundFailures.add(reason);
        if (index + 1 < config.endpoints().size()) {
            connect(index + 1);
        } else {
            roundFailed();
        }
    }

    /** One WARN line per outage and per change of its reasons (every endpoint's), not one per retry. */
    private void roundFailed() {
        if (state == LinkState.CLOSED) {
            return;
        }
        String reasons = String.join("; ", roundFailures);
        if (!reasons.equals(reportedOutage)) {
            LOG.warn(
                    "T-Server link '{}': no primary among {} ({}); retrying with back-off up to {} ms",
                    name,
                    config.endpoints().stream().map(TServerLink::describe).toList(),
                    reasons,
                    config.reconnectMaxDelay().toMillis());
            reportedOutage = reasons;
        }
        retryTask = loop.schedule(() -> connect(0), backoff.toMillis(), TimeUnit.MILLISECONDS);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(config.reconnectMaxDelay()) > 0 ? config.reconnectMaxDelay() : doubled;
    }

    // ---- registration and resync ----

    private void becomePrimary(Channel channel) {
        cancelRetry();
        if (channel == standby) {
            standby = null;
        }
        primary = channel;
        connectedTo = remote(channel);
        backoff = config.reconnectDelay();
        reportedOutage = null;
        setState(LinkState.RESYNCING, "registered with primary " + connectedTo);
        List<String> toRegister = List.copyOf(dns);
        EventKind kind =
                lastUpOn != null && !lastUpOn.equals(connectedTo) ? EventKind.RESYNC_ON_NEW_SERVER : EventKind.RESYNC;
        List<CompletableFuture<TlibMessage>> registrations =
                toRegister.stream().map(this::ensureRegistered).toList();
        whenAllSettled(registrations, () -> {
            List<CompletableFuture<TlibMessage>> queries = new ArrayList<>();
            for (String dn : toRegister) {
                if (registeredOnConnection.contains(dn)) {
                    // handed on as it arrives (on the loop, as the answer is read), so that the listeners get it in
                    // the T-Server's order with the live events around it: held back until the end of the resync, it
                    // would follow newer events and undo them
                    queries.add(sendPaced(channel, query(dn)).whenComplete((info, error) -> {
                        if (info != null && channel == primary) {
                            deliver(info, kind);
                        } else if (error != null) {
                            queryFailed(dn, channel, error);
                        }
                    }));
                }
            }
            whenAllSettled(queries, () -> finishResync(channel, toRegister, queries));
        });
    }

    private void finishResync(Channel channel, List<String> attempted, List<CompletableFuture<TlibMessage>> queries) {
        if (channel != primary) {
            return; // lost during the resync; the next one starts over
        }
        lastUpOn = connectedTo;
        long answered = queries.stream()
                .filter(query -> !query.isCompletedExceptionally())
                .count();
        setState(
                LinkState.UP,
                "up on " + connectedTo + ": " + registeredOnConnection.size() + " of " + attempted.size()
                        + " DNs registered, " + answered + " queried");
        for (String dn : List.copyOf(dns)) {
            if (!attempted.contains(dn) && !registeredOnConnection.contains(dn) && !registering.containsKey(dn)) {
                registerAndQuery(dn); // asked for while the resync was under way
            }
        }
    }

    private CompletableFuture<TlibMessage> ensureRegistered(String dn) {
        dns.add(dn);
        if (registeredOnConnection.contains(dn)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<TlibMessage> inFlight = registering.get(dn);
        if (inFlight != null) {
            return inFlight;
        }
        // whenComplete's own future completes only after the sets are updated, so its dependants see them updated
        CompletableFuture<TlibMessage> registered = sendPaced(
                        primary,
                        TlibMessage.create(MessageType.RequestRegisterAddress)
                                .thisDN(dn)
                                .registerMode(RegisterMode.Share)
                                .controlMode(ControlMode.Default)
                                .addressType(AddressType.DN))
                .whenComplete((answer, error) -> {
                    registering.remove(dn);
                    if (error != null) {
                        registrationFailed(dn, error);
                    } else if (dns.contains(dn)) {
                        registeredOnConnection.add(dn);
                    } else {
                        // unregistered while its registration was on its way: undone, or its events would keep coming
                        send(
                                primary,
                                TlibMessage.create(MessageType.RequestUnregisterAddress)
                                        .thisDN(dn));
                    }
                });
        if (!registered.isDone()) {
            registering.put(dn, registered);
        }
        return registered;
    }

    /**
     * On the loop: a DN the T-Server did not register (it refused, or did not answer in time, as an overloaded one
     * may) is tried again, on this connection, until it is registered or no longer wanted; a lost connection's resync
     * registers it anyway. The failures are told in one line per second at most, however many DNs fail together.
     */
    private void registrationFailed(String dn, Throwable error) {
        Channel channel = primary;
        if (error instanceof LinkDownException || channel == null || state == LinkState.CLOSED) {
            return; // the next resync registers it
        }
        failedRegistrations.add("DN " + dn + ": " + error.getMessage());
        loop.schedule(
                () -> retryRegistration(dn, channel), config.reconnectDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * On the loop: a registered DN whose RequestQueryAddress failed (refused, or not answered in time by a T-Server
     * busy with thousands of them) is queried again on this connection until it is answered or no longer wanted: its
     * report is what lets the engine act for the worker at all. A lost connection's resync queries it anyway.
     */
    private void queryFailed(String dn, Channel channel, Throwable failure) {
        Throwable error = unwrapped(failure);
        if (error instanceof LinkDownException || channel != primary || state == LinkState.CLOSED) {
            return; // the next resync queries it
        }
        failedQueries.add("DN " + dn + ": " + error.getMessage());
        loop.schedule(
                () -> {
                    if (channel == primary && dns.contains(dn) && registeredOnConnection.contains(dn)) {
                        registerAndQuery(dn);
                    }
                },
                config.reconnectDelay().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void retryRegistration(String dn, Channel channel) {
        if (channel != primary
                || !dns.contains(dn)
                || registeredOnConnection.contains(dn)
                || registering.containsKey(dn)) {
            return; // registered meanwhile, no longer wanted, or the connection is gone (its resync registers it)
        }
        if (state != LinkState.UP) {
            loop.schedule(
                    () -> retryRegistration(dn, channel),
                    config.reconnectDelay().toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        registerAndQuery(dn);
    }

    // ---- requests ----

    private void submit(TlibMessage request, CompletableFuture<TlibMessage> result) {
        if (state != LinkState.UP && state != LinkState.RESYNCING) {
            result.completeExceptionally(
                    new LinkDownException("T-Server link '" + name + "' is " + state + "; " + request.type()
                            + (request.getThisDN() == null ? "" : " on DN " + request.getThisDN()) + " not sent"));
            return;
        }
        String dn = request.getThisDN();
        if (request.type() == MessageType.RequestRegisterAddress && dn != null) {
            ensureRegistered(dn).whenComplete((answer, error) -> complete(result, answer, error));
        } else if (request.type() == MessageType.RequestUnregisterAddress && dn != null) {
            dns.remove(dn);
            registeredOnConnection.remove(dn);
            send(primary, request).whenComplete((answer, error) -> complete(result, answer, error));
        } else if (dn != null && !registeredOnConnection.contains(dn)) {
            ensureRegistered(dn).whenComplete((answer, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    submit(request, result);
                }
            });
        } else {
            send(primary, request).whenComplete((answer, error) -> complete(result, answer, error));
        }
    }

    /**
     * Sends a DN registration or query on the loop once fewer than {@link #MAX_SETUP_REQUESTS_IN_FLIGHT} are
     * unanswered; its timeout starts when it is sent. Agent requests do not wait behind them ({@link #send}).
     */
    private CompletableFuture<TlibMessage> sendPaced(Channel channel, TlibMessage request) {
        CompletableFuture<TlibMessage> result = new CompletableFuture<>();
        setupRequestsWaiting.add(() -> {
            setupRequestsInFlight++;
            send(channel, request).whenComplete((answer, error) -> {
                setupRequestsInFlight--;
                // later, not from here: on a lost connection each fails at once, and would nest the next one's send
                loop.execute(this::sendWaitingSetupRequests);
                complete(result, answer, error);
            });
        });
        sendWaitingSetupRequests();
        return result;
    }

    private void sendWaitingSetupRequests() {
        while (setupRequestsInFlight < MAX_SETUP_REQUESTS_IN_FLIGHT && !setupRequestsWaiting.isEmpty()) {
            setupRequestsWaiting.poll().run();
        }
    }

    /** Sends on the loop, giving the request the next free ReferenceID, and arms its timeout. */
    private CompletableFuture<TlibMessage> send(Channel channel, TlibMessage request) {
        CompletableFuture<TlibMessage> result = new CompletableFuture<>();
        if (channel == null || !channel.isActive()) {
            result.completeExceptionally(new LinkDownException(
                    "T-Server link '" + name + "' has no connection; " + request.type() + " not sent"));
            return result;
        }
        int referenceId = nextReferenceId();
        request.referenceId(referenceId);
        ScheduledFuture<?> timeout = loop.schedule(
                () -> {
                    PendingRequest expired = pending.remove(referenceId);
                    if (expired != null) {
                        expired.result()
                                .completeExceptionally(
                                        new TServerTimeoutException(request, config.requestTimeout(), remote(channel)));
                    }
                },
                config.requestTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        pending.put(referenceId, new PendingRequest(request, result, channel, timeout));
        channel.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                fail(
                        referenceId,
                        new LinkDownException("T-Server link '" + name + "': " + request.type() + " not sent: "
                                + written.cause().getMessage()));
            }
        });
        return result;
    }

    /** Non-zero and unique among the unanswered requests (src/main/docs/tlw1.md section 5). */
    private int nextReferenceId() {
        do {
            lastReferenceId = lastReferenceId == Integer.MAX_VALUE ? 1 : lastReferenceId + 1;
        } while (pending.containsKey(lastReferenceId));
        return lastReferenceId;
    }

    private void fail(int referenceId, TServerLinkException error) {
        PendingRequest request = pending.remove(referenceId);
        if (request != null) {
            request.timeout().cancel(false);
            request.result().completeExceptionally(error);
        }
    }

    /** Fails the pending requests of one connection, or of all when {@code channel} is null. */
    private void failPending(Channel channel, String reason) {
        Iterator<PendingRequest> requests = pending.values().iterator();
        List<PendingRequest> failed = new ArrayList<>();
        while (requests.hasNext()) {
            PendingRequest request = requests.next();
            if (channel == null || request.channel() == channel) {
                requests.remove();
                failed.add(request);
            }
        }
        for (PendingRequest request : failed) {
            request.timeout().cancel(false);
            request.result()
                    .completeExceptionally(new LinkDownException(
                            reason + "; " + request.request().type()
                                    + (request.request().getThisDN() == null
                                            ? ""
                                            : " on DN " + request.request().getThisDN())
                                    + " may or may not have been carried out"));
        }
    }

    // ---- what arrives ----

    private void onMessage(Channel channel, TlibMessage message) {
        Integer referenceId = message.getReferenceId();
        if (referenceId != null) {
            PendingRequest request = pending.get(referenceId);
            if (request == null || request.channel() != channel) {
                LOG.debug(
                        "T-Server link '{}': dropping {} for no pending request (answered late, after its timeout)",
                        name,
                        message);
                return;
            }
            pending.remove(referenceId);
            request.timeout().cancel(false);
            if (message.type() == MessageType.EventError) {
                request.result().completeExceptionally(new TServerErrorException(request.request(), message));
            } else {
                request.result().complete(message);
            }
            return;
        }
        if (channel == standby
                && message.type() == MessageType.EventPrimaryChanged
                && message.getServerRole() == ServerRole.Primary) {
            LOG.info("T-Server link '{}': {} was promoted to primary", name, remote(channel));
            becomePrimary(channel);
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
        deliver(message, EventKind.LIVE);
    }

    private void onClosed(Channel channel) {
        if (channel == standby) {
            standby = null;
            cancelRetry();
            roundFailures.add("backup " + remote(channel) + " closed the connection");
            roundFailed();
            return;
        }
        failPending(channel, "connection to T-Server " + remote(channel) + " lost");
        if (channel != primary) {
            return;
        }
        primary = null;
        connectedTo = null;
        switchLinkUp = false;
        registeredOnConnection.clear();
        if (state == LinkState.CLOSED) {
            return;
        }
        setState(LinkState.CONNECTING, "lost connection to " + remote(channel) + "; reconnecting");
        connect(0);
    }

    private void deliver(TlibMessage event, EventKind kind) {
        if (listeners.isEmpty()) {
            hold(event, kind);
            return;
        }
        for (TServerLinkListener listener : listeners) {
            try {
                listener.onEvent(event, kind);
            } catch (RuntimeException e) {
                LOG.warn("T-Server link '{}': listener failed on {}: {}", name, event.name(), e.toString());
            }
        }
    }

    private void hold(TlibMessage event, EventKind kind) {
        if (held.size() == MAX_HELD_EVENTS) {
            held.removeFirst();
            if (droppedWhileHeld++ == 0) {
                LOG.warn(
                        "T-Server link '{}': no listener for {} events; dropping the oldest until one is added",
                        name,
                        MAX_HELD_EVENTS);
            }
        }
        held.addLast(new HeldEvent(event, kind));
    }

    private void setState(LinkState newState, String detail) {
        state = newState;
        if (newState == LinkState.UP || newState == LinkState.CLOSED) {
            LOG.info("T-Server link '{}' {}", name, detail);
        } else if (newState == LinkState.CONNECTING) {
            LOG.warn("T-Server link '{}': {}", name, detail);
        }
        for (TServerLinkListener listener : listeners) {
            try {
                listener.onStateChanged(newState, detail);
            } catch (RuntimeException e) {
                LOG.warn("T-Server link '{}': listener failed on state {}: {}", name, newState, e.toString());
            }
        }
    }

    // ---- helpers ----

    private void cancelRetry() {
        if (retryTask != null) {
            retryTask.cancel(false);
            retryTask = null;
        }
    }

    /** Runs {@code then} on the loop once every future has completed, however. */
    private void whenAllSettled(List<CompletableFuture<TlibMessage>> futures, Runnable then) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .whenCompleteAsync((ignored, error) -> then.run(), loop);
    }

    private static TlibMessage query(String dn) {
        return TlibMessage.create(MessageType.RequestQueryAddress)
                .thisDN(dn)
                .addressInfoType(AddressInfoType.AgentStatus);
    }

    private static void complete(CompletableFuture<TlibMessage> result, TlibMessage answer, Throwable error) {
        if (error != null) {
            result.completeExceptionally(error);
        } else {
            result.complete(answer);
        }
    }

    /**
     * Failures of one kind, on the loop, told in one WARN line a second at most however many come together: how many,
     * and the first as an example.
     */
    private final class FailureTally {
        private final String what;
        private final String then;
        private int count;

        FailureTally(String what, String then) {
            this.what = what;
            this.then = then;
        }

        void add(String example) {
            if (count++ == 0) {
                loop.schedule(
                        () -> {
                            LOG.warn("T-Server link '{}': {} {} (e.g. {}); {}", name, count, what, example, then);
                            count = 0;
                        },
                        1,
                        TimeUnit.SECONDS);
            }
        }
    }

    /** What failed, out of the CompletionException a dependent stage wraps it in. */
    private static Throwable unwrapped(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static void closeQuietly(Channel channel) {
        if (channel != null) {
            channel.close();
        }
    }

    private static String remote(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress address
                ? describe(address)
                : String.valueOf(channel.remoteAddress());
    }

    private static String describe(InetSocketAddress endpoint) {
        return endpoint.getHostString() + ":" + endpoint.getPort();
    }

    @Override
    public String toString() {
        return "T-Server link '" + name + "' (" + state + (connectedTo == null ? "" : " on " + connectedTo) + ")";
    }

    /** One connection's inbound side; runs on the link's loop. */
    private final class ConnectionHandler extends SimpleChannelInboundHandler<TlibMessage> {

        private final int endpointIndex;
        private String remote;

        ConnectionHandler(int endpointIndex) {
            this.endpointIndex = endpointIndex;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            remote = remote(ctx.channel());
            LOG.debug("T-Server link '{}': connected to endpoint {} ({})", name, endpointIndex, remote);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TlibMessage message) {
            onMessage(ctx.channel(), message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onClosed(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause.getCause() instanceof SSLException) {
                ctx.channel().attr(TLS_FAILURE).set(cause);
            }
            // A reset or a refused frame: the decoder has logged a protocol violation itself; closing reports the loss.
            LOG.debug("T-Server link '{}': connection to {} failed: {}", name, remote, cause.toString());
            ctx.close();
        }
    }
}

package io.ucsync.tlib.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.ucsync.tlib.codec.TlwCodec;
import io.ucsync.tlib.codec.TlwKeepAlive;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import io.ucsync.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the primary among the link's endpoints (src/main/docs/tlw1.md section 7): connects to each in turn, registers
 * as a client and hands the link the first connection whose server says it is Primary; waits on a lone Backup for
 * its promotion; backs off between rounds and tells an outage once per change of its reasons. Separate from the link
 * because the rounds, the back-off and the standby connection are state of their own, over before the link has a
 * primary to work on.
 * <p>
 * Confined to the link's event loop, as are the connections it opens: their inbound side goes to the link.
 */
final class PrimaryFinder {

    /** The link's own logger, so that one logger setting covers everything the link says. */
    private static final Logger LOG = LoggerFactory.getLogger(TServerLink.class);

    private static final String PROTOCOL_VERSION = "TLW/1";
    private static final String REMOTE_KEEPALIVE_KEY = "keepalive-remote-timeout";
    /**
     * The TLS failure a connection saw, in its handshake or as an alert after it, kept for the listener that reports
     * it: the handler closes the channel on it before that listener runs.
     */
    private static final AttributeKey<Throwable> TLS_FAILURE = AttributeKey.valueOf("ucsync.tls-failure");

    private final TServerLink link;
    private final String name;
    private final TServerLinkConfig config;
    private final EventLoop loop;
    private final PendingRequests requests;
    private final Bootstrap bootstrap;
    private final SSLContext sslContext;

    private Channel standby;
    private ScheduledFuture<?> retryTask;
    private Duration backoff;
    /** Why each endpoint failed in the round over the endpoints under way, in order. */
    private final List<String> roundFailures = new ArrayList<>();
    /** What the last outage line said: a retry failing alike stays quiet, a new reason is told; null while up. */
    private String reportedOutage;

    PrimaryFinder(TServerLink link, EventLoop loop, PendingRequests requests) {
        this.link = link;
        this.name = link.name();
        this.config = link.config();
        this.loop = loop;
        this.requests = requests;
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

    /** Starts a round over the endpoints, from the first. */
    void findPrimary() {
        connect(0);
    }

    private void connect(int index) {
        if (link.state() == LinkState.CLOSED) {
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
                        HostPort.of(endpoint),
                        done.cause().toString());
                tryNext(
                        index,
                        "cannot reach " + HostPort.of(endpoint) + ": "
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
                    tryNext(index, "TLS with " + HostPort.of(endpoint) + " failed: " + why);
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
        requests.send(channel, registerClient).whenComplete((serverInfo, error) -> {
            if (link.state() == LinkState.CLOSED) {
                channel.close();
            } else if (error != null) {
                LOG.debug(
                        "T-Server link '{}': registration with {} failed: {}",
                        name,
                        HostPort.remoteOf(channel),
                        error.toString());
                channel.close();
                tryNext(index, registrationFailure(config.endpoints().get(index), channel, error));
            } else if (serverInfo.getServerRole() == ServerRole.Primary) {
                found(channel);
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
            return "TLS with " + HostPort.of(endpoint) + " failed: " + TlsSettings.handshakeFailure(tls)
                    + " (after the handshake: the T-Server refused this link's certificate, or its lack of one)";
        }
        if (error instanceof LinkDownException) {
            return HostPort.of(endpoint) + " closed the connection before answering RequestRegisterClient"
                    + (sslContext == null ? " (a TLS port? this link speaks plain TLW/1)" : "");
        }
        return HostPort.of(endpoint) + " refused registration: " + error.getMessage();
    }

    /**
     * The server is Backup. The next endpoint is tried; if this was the last one, the connection is kept for one
     * back-off period, so that a promotion (EventPrimaryChanged) is taken at once rather than at the next round.
     */
    private void standBy(Channel channel, int index) {
        if (index + 1 < config.endpoints().size()) {
            roundFailures.add(HostPort.remoteOf(channel) + " is Backup");
            channel.close();
            connect(index + 1);
            return;
        }
        LOG.debug(
                "T-Server link '{}': {} is Backup; waiting {} ms for a promotion",
                name,
                HostPort.remoteOf(channel),
                backoff.toMillis());
        standby = channel;
        retryTask = loop.schedule(
                () -> {
                    standby = null;
                    channel.close();
                    roundFailures.add(HostPort.remoteOf(channel) + " is Backup and was not promoted");
                    roundFailed();
                },
                backoff.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the promotion of the backup the finder waits on.
     *
     * @return whether {@code message} was that promotion
     */
    boolean takePromotion(Channel channel, TlibMessage message) {
        if (channel != standby
                || message.type() != MessageType.EventPrimaryChanged
                || message.getServerRole() != ServerRole.Primary) {
            return false;
        }
        LOG.info("T-Server link '{}': {} was promoted to primary", name, HostPort.remoteOf(channel));
        found(channel);
        return true;
    }

    /**
     * A closed connection, if it is the backup's the finder waits on: that round failed.
     *
     * @return whether it was
     */
    boolean standbyClosed(Channel channel) {
        if (channel != standby) {
            return false;
        }
        standby = null;
        cancelRetry();
        roundFailures.add("backup " + HostPort.remoteOf(channel) + " closed the connection");
        roundFailed();
        return true;
    }

    private void found(Channel primary) {
        cancelRetry();
        if (primary == standby) {
            standby = null;
        }
        backoff = config.reconnectDelay();
        reportedOutage = null;
        link.becomePrimary(primary);
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
        if (link.state() == LinkState.CLOSED) {
            return;
        }
        String reasons = String.join("; ", roundFailures);
        if (!reasons.equals(reportedOutage)) {
            LOG.warn(
                    "T-Server link '{}': no primary among {} ({}); retrying with back-off up to {} ms",
                    name,
                    config.endpoints().stream().map(HostPort::of).toList(),
                    reasons,
                    config.reconnectMaxDelay().toMillis());
            reportedOutage = reasons;
        }
        retryTask = loop.schedule(() -> connect(0), backoff.toMillis(), TimeUnit.MILLISECONDS);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(config.reconnectMaxDelay()) > 0 ? config.reconnectMaxDelay() : doubled;
    }

    /** Stops looking: no more rounds, and the backup waited on is let go. */
    void stop() {
        cancelRetry();
        if (standby != null) {
            standby.close();
        }
    }

    private void cancelRetry() {
        if (retryTask != null) {
            retryTask.cancel(false);
            retryTask = null;
        }
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
            remote = HostPort.remoteOf(ctx.channel());
            LOG.debug("T-Server link '{}': connected to endpoint {} ({})", name, endpointIndex, remote);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TlibMessage message) {
            link.onMessage(ctx.channel(), message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            link.onClosed(ctx.channel());
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

package io.ucsync.lab.tserver;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.ucsync.tlib.codec.TlwKeepAlive;
import io.ucsync.tlib.protocol.TlibMessage;
import io.ucsync.tls.TlsSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the emulator: whether it has sent RequestRegisterClient, the DNs it registered,
 * and keep-alive (src/main/docs/tlw1.md section 6). Runs on the emulator's event loop, like the switch it hands
 * requests to.
 */
final class ClientSession extends SimpleChannelInboundHandler<TlibMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

    private final EmulatedSwitch emulatedSwitch;
    private final ClientSessions sessions;
    private final Duration serverKeepAlive;
    private final Set<String> registeredDns = new HashSet<>();
    private Channel channel;
    private String applicationName;
    private ChannelFuture lastWrite;

    ClientSession(EmulatedSwitch emulatedSwitch, ClientSessions sessions, Duration serverKeepAlive) {
        this.emulatedSwitch = emulatedSwitch;
        this.sessions = sessions;
        this.serverKeepAlive = serverKeepAlive;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (!serverKeepAlive.isZero()) {
            TlwKeepAlive.install(channel.pipeline(), serverKeepAlive);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        LOG.info("client connected from {}", channel.remoteAddress());
        sessions.opened(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        LOG.info("client {} disconnected; its {} registration(s) end", this, registeredDns.size());
        sessions.closed(this);
        registeredDns.clear();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TlibMessage message) {
        emulatedSwitch.onMessage(this, message);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // the client went away (reset); channelInactive logs the disconnect
            ctx.close();
            return;
        }
        if (cause.getCause() instanceof NotSslRecordException) {
            // its message dumps the bytes received, which may be a request with an agent's password
            LOG.warn("TLS refused with {}: not a TLS record (the client speaks plain TLW/1)", this);
        } else if (cause.getCause() instanceof SSLException) {
            LOG.warn("TLS refused with {}: {}", this, TlsSettings.handshakeFailure(cause));
        } else {
            LOG.warn("closing connection of {}: {}", this, cause.toString());
        }
        ctx.close();
    }

    /** The client asked to be watched (keepalive-remote-timeout): the shorter of its timeout and the server's own counts. */
    void watch(Duration requested) {
        Duration timeout =
                serverKeepAlive.isZero() || requested.compareTo(serverKeepAlive) < 0 ? requested : serverKeepAlive;
        TlwKeepAlive.install(channel.pipeline(), timeout);
    }

    void send(TlibMessage event) {
        lastWrite = channel.writeAndFlush(event);
    }

    /** Closes the connection once what was sent so far has gone out. */
    void closeAfterFlush() {
        (lastWrite != null ? lastWrite : channel.newSucceededFuture()).addListener(ChannelFutureListener.CLOSE);
    }

    /** Closes the connection; {@code abort} resets it (SO_LINGER 0) as a crashed server would leave it. */
    void close(boolean abort) {
        if (abort && channel.isOpen()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        channel.close();
    }

    void clientRegistered(String applicationName) {
        this.applicationName = applicationName;
    }

    boolean isClientRegistered() {
        return applicationName != null;
    }

    void register(String dn) {
        registeredDns.add(dn);
    }

    void unregister(String dn) {
        registeredDns.remove(dn);
    }

    boolean hasRegistered(String dn) {
        return registeredDns.contains(dn);
    }

    @Override
    public String toString() {
        return (applicationName != null ? applicationName : "unregistered client") + "@"
                + (channel == null ? "?" : channel.remoteAddress());
    }
}

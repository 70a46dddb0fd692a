package io.ucsync.lab.tserver;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.ucsync.lab.control.LineControlServer;
import io.ucsync.tlib.codec.TlwCodec;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A T-Server emulator speaking TLW/1 (src/main/docs/tlw1.md) on 127.0.0.1, with emulated agents on a
 * configured list of DNs. The default run, the tests and route development use it in place of a Genesys T-Server.
 * <p>
 * Every connection and every call of this API run on one event loop thread, which owns all switch state:
 * simple, and events leave in sequence-number order on every connection. The API methods are thread-safe;
 * they wait for the event loop.
 */
public final class TServerEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TServerEmulator.class);
    private static final long API_TIMEOUT_SECONDS = 10;

    private final TServerEmulatorConfig config;
    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final EventLoop loop = group.next();
    private final SwitchState state;
    private final ClientSessions sessions = new ClientSessions();
    private final RequestLog requests = new RequestLog();
    private final EmulatedSwitch emulatedSwitch;
    private final SwitchControl control;
    private Channel serverChannel;
    private int port;
    private LineControlServer controlServer;
    private MirrorClient mirror;

    private TServerEmulator(TServerEmulatorConfig config) {
        this.config = config;
        this.state = new SwitchState(config.dns(), config.role());
        this.emulatedSwitch = new EmulatedSwitch(state, config.agents(), sessions, requests);
        this.control = new SwitchControl(state, emulatedSwitch, sessions);
    }

    /**
     * Binds 127.0.0.1:config.port (0 = a free port), then the control port if configured, then starts mirroring if asked.
     *
     * @throws IllegalStateException when a port cannot be bound (the cause says why) or the caller is interrupted
     */
    public static TServerEmulator start(TServerEmulatorConfig config) {
        TServerEmulator emulator = new TServerEmulator(config);
        try {
            emulator.bind();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emulator.close();
            throw new IllegalStateException("interrupted while starting the T-Server emulator", e);
        } catch (Exception e) {
            // Netty rethrows a bind failure (java.net.BindException) from sync() without declaring it
            emulator.close();
            throw new IllegalStateException(
                    "cannot start the T-Server emulator on 127.0.0.1:" + config.port() + ": " + e, e);
        }
        return emulator;
    }

    private void bind() throws InterruptedException {
        TlsSettings tls = config.tls();
        SSLContext sslContext = tls == null ? null : tls.sslContext();
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (sslContext != null) {
                            channel.pipeline().addLast("tls", new SslHandler(tls.serverEngine(sslContext)));
                        }
                        TlwCodec.install(channel.pipeline(), config.maxFrameSize());
                        channel.pipeline()
                                .addLast(
                                        "session",
                                        new ClientSession(emulatedSwitch, sessions, config.keepAliveTimeout()));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", config.port()))
                .sync()
                .channel();
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        if (config.controlPort() >= 0) {
            controlServer = LineControlServer.start(config.controlPort(), words -> ControlCommands.run(this, words));
        }
        if (config.mirrorOf() != null) {
            InetSocketAddress primary = config.mirrorOf();
            mirror = new MirrorClient(
                    group,
                    primary,
                    new PrimaryFollower(state, control),
                    config.maxFrameSize(),
                    sslContext == null
                            ? null
                            : () -> new SslHandler(
                                    tls.clientEngine(sslContext, primary.getHostString(), primary.getPort())));
            loop.execute(mirror::connect);
        }
        LOG.info(
                "T-Server emulator ({}) listening on 127.0.0.1:{}{} with {}",
                config.role(),
                port(),
                tls == null ? "" : " (TLS)",
                describeDns(config.dns()));
    }

    public int port() {
        return port;
    }

    /**
     * The DNs for the start line: all of a few, else their count and first and last, so that 100,000 DNs do not make
     * one line of 700 KB.
     */
    private static String describeDns(List<String> dns) {
        if (dns.size() <= 10) {
            return "DNs " + dns;
        }
        return String.format("%,d DNs, %s to %s", dns.size(), dns.get(0), dns.get(dns.size() - 1));
    }

    /** The control port, or -1 when none was asked for. */
    public int controlPort() {
        return controlServer == null ? -1 : controlServer.port();
    }

    public ServerRole role() {
        return onLoop(state::role);
    }

    public List<DnState> states() {
        return onLoop(state::states);
    }

    /** @throws IllegalArgumentException when the DN is not configured */
    public DnState state(String dn) {
        return onLoop(() -> state.state(dn));
    }

    /**
     * A call from outside (number {@code fromDn}, which need not be a DN of this switch) to {@code toDn}: its
     * registered clients see EventRinging with CallType Inbound.
     *
     * @throws IllegalArgumentException when toDn is not configured
     * @throws IllegalStateException    when the switch link is down or the server is Backup
     */
    public ConnectionId call(String fromDn, String toDn) {
        return onLoop(() -> control.callFromOutside(fromDn, toDn));
    }

    /** The callee answers: EventEstablished on both DNs. */
    public void answer(ConnectionId connId) {
        onLoop(() -> {
            control.answer(connId);
            return null;
        });
    }

    /** The call ends: EventReleased on both DNs. */
    public void release(ConnectionId connId) {
        onLoop(() -> {
            control.release(connId);
            return null;
        });
    }

    /** The switch link goes down: EventLinkDisconnected to every registered client; agent, DND and call requests get 54. */
    public void linkDown() {
        setLink(false);
    }

    public void linkUp() {
        setLink(true);
    }

    private void setLink(boolean up) {
        onLoop(() -> {
            control.setLink(up);
            return null;
        });
    }

    /** Backup to Primary: EventPrimaryChanged {ServerRole 0} to its clients; stops following the old primary. */
    public void promote() {
        onLoop(() -> {
            if (control.promote() && mirror != null) {
                mirror.stop();
            }
            return null;
        });
    }

    /** Requests received per DN ({@value RequestLog#NO_DN} for those without ThisDN), per message name. */
    public Map<String, Map<String, Integer>> stats() {
        return onLoop(requests::stats);
    }

    /** The requests received on DNs, oldest first (the newest 500,000). */
    public List<JournalEntry> journal() {
        return onLoop(requests::journal);
    }

    /** An abrupt crash: every connection is reset at once, without a goodbye; the emulator is then closed. */
    public void kill() {
        LOG.info("T-Server emulator on port {} killed", port());
        shutdown(true);
    }

    @Override
    public void close() {
        shutdown(false);
    }

    private void shutdown(boolean abort) {
        if (controlServer != null) {
            controlServer.close();
        }
        if (!group.isShuttingDown()) {
            try {
                loop.submit(() -> {
                            if (mirror != null) {
                                mirror.stop();
                            }
                            if (serverChannel != null) {
                                serverChannel.close();
                            }
                            sessions.closeAll(abort);
                        })
                        .get(API_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("closing the T-Server emulator: {}", e.toString());
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Runs a task on the event loop that owns the switch and waits for it; its exceptions reach the caller as they are. */
    private <T> T onLoop(Callable<T> task) {
        try {
            if (loop.inEventLoop()) {
                return task.call();
            }
            return loop.submit(task).get(API_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the T-Server emulator", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

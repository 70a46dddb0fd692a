package io.ucsync.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ucsync.emulator.tserver.TServerEmulator;
import io.ucsync.emulator.tserver.TServerEmulatorConfig;
import io.ucsync.tlib.codec.TlwCodec;
import io.ucsync.tlib.codec.TlwProtocolException;
import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;
import io.ucsync.tlib.link.TServerLinkConfig;
import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.tlib.protocol.KeepAliveFrame;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;

/**
 * TLW/1 frames, encoded by the codec and mutated, into the three readers of the wire: the codec itself, the T-Server
 * emulator over TCP, and the link (through a proxy that slips mutated frames among the emulator's answers). Each
 * frame is decoded or refused with a TlwProtocolException naming its rule; a server or link that meets one closes
 * only that connection; afterwards the emulator still serves a well-formed client, and the link comes back up and
 * logs an agent in.
 */
class TlwFrameFuzzTest {

    private static final int MAX_FRAME = TlwCodec.DEFAULT_MAX_FRAME_SIZE;

    private static List<byte[]> samples() {
        List<Object> frames = List.of(
                TlibMessage.create(MessageType.RequestRegisterClient).referenceId(1).applicationName("fuzz").protocolVersion("TLW/1")
                        .extensions(new KeyValueCollection().addInt("keepalive-remote-timeout", 10)),
                TlibMessage.create(MessageType.RequestRegisterAddress).referenceId(2).thisDN("5001"),
                TlibMessage.create(MessageType.RequestAgentLogin).referenceId(3).thisDN("5001").agentId("agent01").password("pw1")
                        .agentWorkMode(AgentWorkMode.ManualIn),
                TlibMessage.create(MessageType.RequestAgentNotReady).referenceId(4).thisDN("5001").agentWorkMode(AgentWorkMode.AuxWork)
                        .reasons(new KeyValueCollection().addString(TlibMessage.REASON_CODE_KEY, "Busy")
                                .addList("nested", new KeyValueCollection().addInt("depth", 2))),
                TlibMessage.create(MessageType.EventAgentReady).referenceId(4).thisDN("5001"),
                KeepAliveFrame.ping(7), KeepAliveFrame.pong(7));
        List<byte[]> samples = new ArrayList<>();
        for (Object frame : frames) {
            ByteBuf out = Unpooled.buffer();
            TlwCodec.encode(frame, out);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            out.release();
            samples.add(bytes);
        }
        return samples;
    }

    private static Mutator mutator(String target) {
        return new Mutator(target, samples(), List.of());
    }

    @Test
    void theCodecDecodesOrRefusesEveryMutatedFrameAndWritesBackWhatItDecoded() {
        Mutator mutator = mutator("tlw-codec");
        FuzzRun run = new FuzzRun("tlw-codec");
        int inputs = Mutator.inputs(20_000);
        for (int i = 0; i < inputs; i++) {
            byte[] frame = mutator.next();
            long started = System.nanoTime();
            ByteBuf in = Unpooled.wrappedBuffer(frame);
            try {
                Object decoded = TlwCodec.decode(in, MAX_FRAME);
                ByteBuf again = Unpooled.buffer();
                try {
                    TlwCodec.encode(decoded, again);
                } finally {
                    again.release();
                }
                run.accepted(started);
            } catch (TlwProtocolException refused) {
                run.refused(refused.getMessage(), started);
            } catch (RuntimeException | StackOverflowError e) {
                throw run.failed(frame, e);
            } finally {
                in.release();
            }
        }
        System.out.println(run.summary());
        assertThat(run.inputs()).isEqualTo(inputs);
    }

    @Test
    void theEmulatorClosesOnlyTheConnectionThatSentABadFrameAndServesAGoodClientAfterwards() throws Exception {
        try (TServerEmulator emulator = TServerEmulator.start(TServerEmulatorConfig.builder().dns(List.of("5001", "5002"))
                .agents(Map.of("agent01", "pw1")).build())) {
            Mutator mutator = mutator("tlw-emulator");
            FuzzRun run = new FuzzRun("tlw-emulator");
            int inputs = Mutator.inputs(5_000);
            int threadsBefore = Thread.activeCount();
            Socket socket = null;
            for (int i = 0; i < inputs; i++) {
                if (socket == null || socket.isClosed()) {
                    socket = new Socket(InetAddress.getLoopbackAddress(), emulator.port());
                    socket.setSoTimeout(1);
                }
                run.sendOn(socket, mutator.next(), "emulator");
            }
            if (socket != null) {
                socket.close();
            }
            System.out.println(run.summary());
            assertThat(run.inputs()).isEqualTo(inputs);
            assertLinkLogsAnAgentIn(emulator.port());
            assertThat(Thread.activeCount()).as("threads after the campaign").isLessThanOrEqualTo(threadsBefore + 2);
        }
    }

    @Test
    void theLinkDropsAConnectionThatSendsItABadFrameAndComesBackUp() throws Exception {
        try (TServerEmulator emulator = TServerEmulator.start(TServerEmulatorConfig.builder().dns(List.of("5001"))
                .agents(Map.of("agent01", "pw1")).build());
                InjectingProxy proxy = new InjectingProxy(emulator.port(), mutator("tlw-link"))) {
            TServerLink link = new TServerLink("fuzzed", TServerLinkConfig.builder().endpoints("127.0.0.1:" + proxy.port())
                    .reconnectDelay(Duration.ofMillis(1)).reconnectMaxDelay(Duration.ofMillis(20)).requestTimeout(Duration.ofMillis(300))
                    .build(), null);
            link.register("5001");
            link.start();
            // a frame that leaves the link waiting for the rest of itself costs a request timeout: the link's share of
            // the campaign grows at most tenfold
            int inputs = 150 * Math.min(Mutator.SCALE, 10);
            try {
                await().atMost(Duration.ofMinutes(10)).until(() -> proxy.injected.get() >= inputs);
                proxy.stopInjecting();
                await().atMost(Duration.ofSeconds(20)).until(() -> link.state() == LinkState.UP);
                TlibMessage answer = link.request(TlibMessage.create(MessageType.RequestAgentLogin).thisDN("5001").agentId("agent01")
                        .password("pw1").agentWorkMode(AgentWorkMode.ManualIn)).get(5, TimeUnit.SECONDS);
                assertThat(answer.type()).isEqualTo(MessageType.EventAgentLogin);
            } finally {
                link.close();
            }
            System.out.println("fuzz tlw-link: " + proxy.injected.get() + " mutated frames (seed " + Mutator.SEED
                    + ") among the emulator's answers over " + proxy.connections.get() + " connections of the link");
        }
    }

    private static void assertLinkLogsAnAgentIn(int port) throws Exception {
        TServerLink link = new TServerLink("after-fuzz", TServerLinkConfig.builder().endpoints("127.0.0.1:" + port).build(), null);
        try {
            link.register("5001");
            link.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> link.state() == LinkState.UP);
            CompletableFuture<TlibMessage> login = link.request(TlibMessage.create(MessageType.RequestAgentLogin).thisDN("5001")
                    .agentId("agent01").password("pw1").agentWorkMode(AgentWorkMode.ManualIn));
            assertThat(login.get(5, TimeUnit.SECONDS).type()).isEqualTo(MessageType.EventAgentLogin);
        } finally {
            link.close();
        }
    }

    /**
     * Between the link and the emulator: passes both directions through, and while injecting writes one mutated frame
     * to the link after each chunk the emulator sends, so it arrives in the middle of a conversation.
     */
    private static final class InjectingProxy implements AutoCloseable {
        final AtomicInteger injected = new AtomicInteger();
        final AtomicInteger connections = new AtomicInteger();
        private final AtomicBoolean injecting = new AtomicBoolean(true);
        private final ServerSocket server;
        private final Thread acceptor;
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        InjectingProxy(int emulatorPort, Mutator mutator) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), emulatorPort);
                        sockets.add(client);
                        sockets.add(upstream);
                        connections.incrementAndGet();
                        pump(client, upstream, null);
                        pump(upstream, client, mutator);
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "fuzz-proxy");
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void stopInjecting() {
            injecting.set(false);
        }

        private void pump(Socket from, Socket to, Mutator mutator) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int read; (read = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, read);
                        if (mutator != null && injecting.get()) {
                            synchronized (mutator) {
                                out.write(mutator.next());
                            }
                            injected.incrementAndGet();
                        }
                    }
                } catch (IOException closed) {
                    // one side closed: the other follows
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "fuzz-proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            sockets.forEach(InjectingProxy::closeQuietly);
            acceptor.join(5000);
        }
    }
}

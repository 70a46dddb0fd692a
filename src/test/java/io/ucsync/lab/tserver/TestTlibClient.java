package io.ucsync.lab.tserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.tlib.codec.EmbeddedTlwCodec;
import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AddressType;
import io.ucsync.tlib.protocol.AttributeId;
import io.ucsync.tlib.protocol.ControlMode;
import io.ucsync.tlib.protocol.KeepAliveFrame;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.RegisterMode;
import io.ucsync.tlib.protocol.TlibMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small blocking TLW/1 client over a real socket, for tests: frames are encoded and decoded by the project's codec
 * handlers in an EmbeddedChannel, fed with the bytes as the socket delivers them; received messages queue up in order;
 * PINGs are counted and, unless told otherwise, answered.
 */
final class TestTlibClient implements AutoCloseable {

    private static final long WAIT_SECONDS = 5;

    private final Socket socket;
    private final OutputStream out;
    private final EmbeddedTlwCodec codec = new EmbeddedTlwCodec();
    private final BlockingQueue<TlibMessage> messages = new LinkedBlockingQueue<>();
    private final AtomicInteger pings = new AtomicInteger();
    private final AtomicInteger pongs = new AtomicInteger();
    private final AtomicInteger nextReferenceId = new AtomicInteger();
    private final Thread reader;
    private volatile boolean answerPings;
    private volatile boolean closedByPeer;

    private TestTlibClient(int port, boolean answerPings) throws IOException {
        this.socket = new Socket("127.0.0.1", port);
        this.out = socket.getOutputStream();
        this.answerPings = answerPings;
        this.reader = new Thread(this::read, "test-tlib-client-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    static TestTlibClient connect(int port) throws IOException {
        return new TestTlibClient(port, true);
    }

    /** A client that never answers PING, to test the server's keep-alive. */
    static TestTlibClient connectSilent(int port) throws IOException {
        return new TestTlibClient(port, false);
    }

    private void read() {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int read; (read = in.read(buffer)) >= 0; ) {
                codec.decode(buffer, 0, read).forEach(this::received);
            }
            closedByPeer = true;
        } catch (IOException e) {
            closedByPeer = !socket.isClosed();
        }
    }

    private void received(Object frame) {
        if (frame instanceof KeepAliveFrame keepAlive) {
            if (keepAlive.kind() == KeepAliveFrame.Kind.PING) {
                pings.incrementAndGet();
                if (answerPings) {
                    send(KeepAliveFrame.pong(keepAlive.seq()));
                }
            } else {
                pongs.incrementAndGet();
            }
        } else {
            messages.add((TlibMessage) frame);
        }
    }

    int nextReferenceId() {
        return nextReferenceId.incrementAndGet();
    }

    /** Sends a message or keep-alive frame as it is. */
    synchronized void send(Object frame) {
        try {
            out.write(codec.encode(frame));
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot send " + frame, e);
        }
    }

    synchronized void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next message the server sent; fails when none comes within 5 seconds. */
    TlibMessage next() {
        try {
            TlibMessage message = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(message)
                    .as("a message from the server within %d s", WAIT_SECONDS)
                    .isNotNull();
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next message, which must be of this type. */
    TlibMessage next(MessageType type) {
        TlibMessage message = next();
        assertThat(message.type()).as("type of %s", message).isEqualTo(type);
        return message;
    }

    /** Sends a request (a ReferenceID is added when it has none) and returns the next message, which must answer it. */
    TlibMessage request(TlibMessage request) {
        if (!request.has(AttributeId.ReferenceID)) {
            request.referenceId(nextReferenceId());
        }
        send(request);
        TlibMessage reply = next();
        assertThat(reply.getReferenceId()).as("ReferenceID of %s", reply).isEqualTo(request.getReferenceId());
        return reply;
    }

    /** Nothing is waiting in the queue: answered once a query sent now comes back, as the server answers in order. */
    void assertNothingPendingFor(String registeredDn) {
        TlibMessage reply = request(query(registeredDn));
        assertThat(reply.type())
                .as("the query's reply, not an earlier event: %s", reply)
                .isEqualTo(MessageType.EventAddressInfo);
    }

    /** RequestRegisterClient; returns EventServerInfo and takes EventLinkConnected off the queue when the link is up. */
    TlibMessage registerClient() {
        TlibMessage info = request(TlibMessage.create(MessageType.RequestRegisterClient)
                .applicationName("test")
                .protocolVersion("TLW/1"));
        assertThat(info.type()).isEqualTo(MessageType.EventServerInfo);
        return info;
    }

    /** RequestRegisterClient then EventServerInfo and EventLinkConnected (link up, primary). */
    void open(String... dns) {
        registerClient();
        next(MessageType.EventLinkConnected);
        for (String dn : dns) {
            assertThat(request(registerAddress(dn)).type()).isEqualTo(MessageType.EventRegistered);
        }
    }

    static TlibMessage registerAddress(String dn) {
        return TlibMessage.create(MessageType.RequestRegisterAddress)
                .thisDN(dn)
                .registerMode(RegisterMode.Share)
                .controlMode(ControlMode.Default)
                .addressType(AddressType.DN);
    }

    static TlibMessage query(String dn) {
        return TlibMessage.create(MessageType.RequestQueryAddress)
                .thisDN(dn)
                .addressInfoType(AddressInfoType.AgentStatus);
    }

    int pingsReceived() {
        return pings.get();
    }

    int pongsReceived() {
        return pongs.get();
    }

    boolean isClosedByPeer() {
        return closedByPeer;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        codec.close();
    }
}

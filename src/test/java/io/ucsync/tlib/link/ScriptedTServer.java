package io.ucsync.tlib.link;

import io.ucsync.tlib.codec.EmbeddedTlwCodec;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A T-Server that misbehaves on purpose, for what the emulator (which follows src/main/docs/tlw1.md) never does: it
 * accepts one connection, answers RequestRegisterClient as a primary, and afterwards answers nothing unless told to,
 * or stops reading altogether. Blocking sockets, with the codec's handlers in an EmbeddedChannel, so it shares no
 * connection handling with the link under test.
 */
final class ScriptedTServer implements AutoCloseable {

    private final ServerSocket server;
    private final EmbeddedTlwCodec codec = new EmbeddedTlwCodec();
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final boolean readAfterRegistration;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile Socket socket;

    private ScriptedTServer(boolean readAfterRegistration) throws IOException {
        this.readAfterRegistration = readAfterRegistration;
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "scripted-tserver");
        thread.setDaemon(true);
        thread.start();
    }

    /** Reads every request after the registration and keeps them for {@link #nextReceived}, answering none. */
    static ScriptedTServer silent() throws IOException {
        return new ScriptedTServer(true);
    }

    /** Stops reading, and sends nothing, once the client is registered. */
    static ScriptedTServer deaf() throws IOException {
        return new ScriptedTServer(false);
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        try (Socket accepted = server.accept()) {
            socket = accepted;
            InputStream in = accepted.getInputStream();
            byte[] buffer = new byte[8192];
            boolean registered = false;
            while (!registered || readAfterRegistration) {
                int read = in.read(buffer);
                if (read < 0) {
                    return; // the client closed the connection
                }
                for (Object frame : codec.decode(buffer, 0, read)) {
                    if (registered) {
                        received.add(frame);
                    } else {
                        int referenceId = ((TlibMessage) frame).getReferenceId();
                        send(TlibMessage.create(MessageType.EventServerInfo)
                                .referenceId(referenceId)
                                .serverRole(ServerRole.Primary)
                                .serverVersion("scripted"));
                        registered = true;
                    }
                }
            }
            // deaf: holds the connection open, reading nothing, until the test closes the server
            closed.await();
        } catch (IOException | InterruptedException e) {
            // the client closed the connection or the test closed the server: the script is over
        }
    }

    /** The next frame the client sent after registering, or null after five seconds. */
    Object nextReceived() throws InterruptedException {
        return receivedWithin(Duration.ofSeconds(5));
    }

    /** The next frame the client sent after registering, or null when none comes within {@code wait}. */
    Object receivedWithin(Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void send(Object frame) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(codec.encode(frame));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
        Socket open = socket;
        if (open != null) {
            open.close();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        codec.close();
    }
}

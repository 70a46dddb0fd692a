package io.ucsync.tlib.link;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ucsync.tlib.codec.TlwCodec;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tlib.protocol.TlibMessage;

/**
 * A T-Server that misbehaves on purpose, for what the emulator (which follows src/main/docs/tlw1.md) never does: it
 * accepts one connection, answers RequestRegisterClient as a primary, and afterwards answers nothing unless told to,
 * or stops reading altogether. Blocking sockets and TlwCodec, so it shares no code path with the link under test.
 */
final class ScriptedTServer implements AutoCloseable {

    private final ServerSocket server;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final boolean readAfterRegistration;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Socket socket;

    private ScriptedTServer(boolean readAfterRegistration) throws IOException {
        this.readAfterRegistration = readAfterRegistration;
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::serve, "scripted-tserver");
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
            DataInputStream in = new DataInputStream(accepted.getInputStream());
            TlibMessage registerClient = (TlibMessage) readFrame(in);
            send(TlibMessage.create(MessageType.EventServerInfo).referenceId(registerClient.getReferenceId())
                    .serverRole(ServerRole.Primary).serverVersion("scripted"));
            while (readAfterRegistration) {
                received.add(readFrame(in));
            }
            // deaf: holds the connection open, reading nothing, until the test closes the server
            closed.await();
        } catch (IOException | InterruptedException e) {
            // the client closed the connection or the test closed the server: the script is over
        }
    }

    private static Object readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[4 + length];
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        in.readFully(frame, 4, length);
        ByteBuf buffer = Unpooled.wrappedBuffer(frame);
        try {
            return TlwCodec.decode(buffer, TlwCodec.DEFAULT_MAX_FRAME_SIZE);
        } finally {
            buffer.release();
        }
    }

    /** The next frame the client sent after registering, or null after five seconds. */
    Object nextReceived() throws InterruptedException {
        return received.poll(5, TimeUnit.SECONDS);
    }

    synchronized void send(Object frame) throws IOException {
        ByteBuf buffer = Unpooled.buffer();
        try {
            TlwCodec.encode(frame, buffer);
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        } finally {
            buffer.release();
        }
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
        Socket open = socket;
        if (open != null) {
            open.close();
        }
    }
}

package io.ucsync.tlib.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Between a client (the link) and a server (the emulator): passes both directions through, and slips bytes of its own
 * into what the server sends, where a damaged network or a broken server would put them. Each connection of the client
 * gets a connection of its own to the server.
 */
public final class InjectingProxy implements AutoCloseable {

    private final AtomicInteger injected = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** The client side of each connection, in order; its stream is also the lock that keeps writes to it whole. */
    private final List<OutputStream> toClients = new CopyOnWriteArrayList<>();

    private volatile Supplier<byte[]> afterEachChunk;

    public InjectingProxy(int serverPort) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        Socket client;
                        try {
                            client = server.accept();
                        } catch (IOException closed) {
                            return;
                        }
                        try {
                            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                            sockets.add(client);
                            sockets.add(upstream);
                            OutputStream toClient = client.getOutputStream();
                            toClients.add(toClient);
                            connections.incrementAndGet();
                            pump(client.getInputStream(), upstream.getOutputStream(), false, client, upstream);
                            pump(upstream.getInputStream(), toClient, true, client, upstream);
                        } catch (IOException refused) {
                            // the server did not take this one (its backlog full after a storm of reconnects, say):
                            // the client sees it closed and connects again, and the proxy goes on accepting
                            closeQuietly(client);
                        }
                    }
                },
                "injecting-proxy");
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections the client has opened so far. */
    public int connections() {
        return connections.get();
    }

    /** Injections written so far. */
    public int injected() {
        return injected.get();
    }

    /** From now on, after each chunk the server sends, also writes {@code next}'s bytes to the client. */
    public void injectAfterEachChunk(Supplier<byte[]> next) {
        afterEachChunk = next;
    }

    public void stopInjecting() {
        afterEachChunk = null;
    }

    /** Writes these bytes to the client of the newest connection now, between two of the server's chunks. */
    public void injectNow(byte[] bytes) throws IOException {
        OutputStream toClient = toClients.get(toClients.size() - 1);
        synchronized (toClient) {
            toClient.write(bytes);
            toClient.flush();
        }
        injected.incrementAndGet();
    }

    /** Closes every connection so far, each side's; the client connects again. */
    public void dropConnections() {
        sockets.forEach(InjectingProxy::closeQuietly);
    }

    private void pump(InputStream in, OutputStream out, boolean toClient, Socket client, Socket upstream) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[8192];
                    try (in;
                            out) {
                        for (int read; (read = in.read(buffer)) >= 0; ) {
                            synchronized (out) {
                                out.write(buffer, 0, read);
                                Supplier<byte[]> next = toClient ? afterEachChunk : null;
                                if (next != null) {
                                    out.write(next.get());
                                    injected.incrementAndGet();
                                }
                            }
                        }
                    } catch (IOException closed) {
                        // one side closed: the other follows
                    } finally {
                        closeQuietly(client);
                        closeQuietly(upstream);
                    }
                },
                "injecting-proxy-pump");
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

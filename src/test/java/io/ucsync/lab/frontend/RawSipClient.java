package io.ucsync.lab.frontend;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * A SIP client over a UDP socket of its own, for the front-end emulator's tests that need what a stack would hide: one
 * request per datagram, the answer the next datagram; and the datagrams that follow (notifications), as they come.
 */
final class RawSipClient implements AutoCloseable {
    private final DatagramSocket socket;
    private final int server;

    RawSipClient(int server) throws IOException {
        this.server = server;
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(5000);
    }

    String request(
            String method,
            String requestUri,
            String from,
            String to,
            String extraHeaders,
            String contentType,
            String body)
            throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String message = method + " " + requestUri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + UUID.randomUUID()
                + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + from + ">;tag=raw1\r\n"
                + "To: <" + to + ">\r\n"
                + "Call-ID: " + UUID.randomUUID() + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Contact: <sip:raw@127.0.0.1:" + socket.getLocalPort() + ">\r\n"
                + extraHeaders
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + content.length + "\r\n\r\n";
        byte[] head = message.getBytes(StandardCharsets.UTF_8);
        byte[] datagram = new byte[head.length + content.length];
        System.arraycopy(head, 0, datagram, 0, head.length);
        System.arraycopy(content, 0, datagram, head.length, content.length);
        send(datagram);
        return next();
    }

    /** The next datagram the emulator sends (within 5 s). */
    String next() throws IOException {
        DatagramPacket datagram = new DatagramPacket(new byte[65536], 65536);
        socket.receive(datagram);
        return new String(datagram.getData(), 0, datagram.getLength(), StandardCharsets.UTF_8);
    }

    /** Answers a request the emulator sent (a NOTIFY) with this status and no body. */
    void answer(String request, int status, String reason) throws IOException {
        StringBuilder response = new StringBuilder("SIP/2.0 " + status + " " + reason + "\r\n");
        for (String name : List.of("Via", "From", "To", "Call-ID", "CSeq")) {
            response.append(header(request, name)).append("\r\n");
        }
        send(response.append("Content-Length: 0\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A header line of a message, as it came ("Name: value"). */
    static String header(String message, String name) {
        return message.lines()
                .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + message));
    }

    private void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), server));
    }

    String subscribe(String to, String contentType, String body) throws IOException {
        return request(
                "SUBSCRIBE", to, "sip:raw@ucsync.test", to, "Event: presence\r\nExpires: 60\r\n", contentType, body);
    }

    String service(String worker, String contentType, String body) throws IOException {
        return request("SERVICE", worker, worker, worker, "", contentType, body);
    }

    @Override
    public void close() {
        socket.close();
    }
}

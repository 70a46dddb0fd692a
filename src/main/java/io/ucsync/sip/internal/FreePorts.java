package io.ucsync.sip.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Picks a free local port, because JAIN-SIP 1.3.0-91 refuses port 0 for a listening point. The port is free
 * for UDP and TCP at the moment of the check; a caller that then loses a race retries with another one.
 */
public final class FreePorts {

    private FreePorts() {}

    /** A port on {@code address} that is currently free for both UDP and TCP. */
    public static int pick(InetAddress address) {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress(address, 0));
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, port))) {
                    return udp.getLocalPort();
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("no free port on " + address.getHostAddress(), last);
    }
}

package io.ucsync.sip.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The plain TCP sockets JAIN-SIP gets from ucsync's network layer send each SIP message at once: without TCP_NODELAY a
 * message written right after another waited for the peer's delayed ACK (35 ms p50 end to end over TCP).
 */
class ConfiguredTlsNetworkLayerTest {

    private final ConfiguredTlsNetworkLayer layer = new ConfiguredTlsNetworkLayer();

    @Test
    void connected_and_accepted_sockets_have_tcp_nodelay() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket listening = layer.createServerSocket(0, 1, loopback);
                Socket connected = layer.createSocket(loopback, listening.getLocalPort());
                Socket accepted = listening.accept()) {
            assertThat(connected.getTcpNoDelay()).as("connected").isTrue();
            assertThat(accepted.getTcpNoDelay()).as("accepted").isTrue();
        }
    }
}

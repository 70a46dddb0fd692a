package io.ucsync.tlib.link;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/** host:port, the way the link names a T-Server in its logs and errors. */
final class HostPort {

    private HostPort() {}

    static String of(InetSocketAddress endpoint) {
        return endpoint.getHostString() + ":" + endpoint.getPort();
    }

    /** The server at the other end of {@code channel}. */
    static String remoteOf(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress address
                ? of(address)
                : String.valueOf(channel.remoteAddress());
    }
}

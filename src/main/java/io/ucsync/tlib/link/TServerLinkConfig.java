package io.ucsync.tlib.link;

import io.ucsync.tlib.codec.TlwCodec;
import io.ucsync.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link TServerLink} reaches one T-Server pair.
 *
 * @param endpoints         the servers in the order they are tried: primary first, then backup
 *                          (src/main/docs/tlw1.md section 7)
 * @param applicationName   ApplicationName in RequestRegisterClient, as the T-Server lists its clients
 * @param keepAliveTimeout  local keep-alive timeout (src/main/docs/tlw1.md section 6); zero turns it off
 * @param remoteKeepAlive   sent as {@code keepalive-remote-timeout} so that the server watches this client too;
 *                          zero sends nothing
 * @param requestTimeout    how long a request waits for its direct response
 * @param reconnectDelay    first back-off after a failed round over the endpoints; doubles up to reconnectMaxDelay
 * @param reconnectMaxDelay longest back-off
 * @param maxFrameSize      largest frame accepted from the server
 * @param tls               TLW/1 inside TLS with these stores, or null for plain TCP; never falls back to plain
 */
public record TServerLinkConfig(
        List<InetSocketAddress> endpoints,
        String applicationName,
        Duration keepAliveTimeout,
        Duration remoteKeepAlive,
        Duration requestTimeout,
        Duration reconnectDelay,
        Duration reconnectMaxDelay,
        int maxFrameSize,
        TlsSettings tls) {

    public TServerLinkConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a T-Server link needs at least one endpoint (host:port)");
        }
        requirePositive("requestTimeout", requestTimeout);
        requirePositive("reconnectDelay", reconnectDelay);
        requirePositive("reconnectMaxDelay", reconnectMaxDelay);
        if (keepAliveTimeout.isNegative() || remoteKeepAlive.isNegative()) {
            throw new IllegalArgumentException("keep-alive timeouts cannot be negative");
        }
        if (remoteKeepAlive.toSeconds() > Integer.MAX_VALUE
                || (!remoteKeepAlive.isZero() && remoteKeepAlive.toSeconds() == 0)) {
            throw new IllegalArgumentException(
                    "remoteKeepAlive is sent in whole seconds: give at least 1s, or 0 for none");
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /**
     * Parses "host:port,host:port" as the endpoint list.
     *
     * @throws IllegalArgumentException naming the entry that is not host:port
     */
    public static List<InetSocketAddress> parseEndpoints(String text) {
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (String entry : text.split(",")) {
            String trimmed = entry.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("T-Server endpoint '" + trimmed + "' is not host:port");
            }
            int port;
            try {
                port = Integer.parseInt(trimmed.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("T-Server endpoint '" + trimmed + "' has no numeric port");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "T-Server endpoint '" + trimmed + "' has port " + port + " outside 1-65535");
            }
            endpoints.add(InetSocketAddress.createUnresolved(trimmed.substring(0, colon), port));
        }
        return endpoints;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: ApplicationName "ucsync", keep-alive 10 s both ways, requests 5 s, back-off 250 ms to 5 s, plain TCP. */
    public static final class Builder {
        private List<InetSocketAddress> endpoints = List.of();
        private String applicationName = "ucsync";
        private Duration keepAliveTimeout = Duration.ofSeconds(10);
        private Duration remoteKeepAlive = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration reconnectDelay = Duration.ofMillis(250);
        private Duration reconnectMaxDelay = Duration.ofSeconds(5);
        private int maxFrameSize = TlwCodec.DEFAULT_MAX_FRAME_SIZE;
        private TlsSettings tls;

        public Builder endpoints(List<InetSocketAddress> endpoints) {
            this.endpoints = endpoints;
            return this;
        }

        public Builder endpoints(String hostPortList) {
            return endpoints(parseEndpoints(hostPortList));
        }

        public Builder applicationName(String applicationName) {
            this.applicationName = applicationName;
            return this;
        }

        public Builder keepAliveTimeout(Duration keepAliveTimeout) {
            this.keepAliveTimeout = keepAliveTimeout;
            return this;
        }

        public Builder remoteKeepAlive(Duration remoteKeepAlive) {
            this.remoteKeepAlive = remoteKeepAlive;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder reconnectDelay(Duration reconnectDelay) {
            this.reconnectDelay = reconnectDelay;
            return this;
        }

        public Builder reconnectMaxDelay(Duration reconnectMaxDelay) {
            this.reconnectMaxDelay = reconnectMaxDelay;
            return this;
        }

        public Builder maxFrameSize(int maxFrameSize) {
            this.maxFrameSize = maxFrameSize;
            return this;
        }

        /** TLS with these stores (null: plain TCP). */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        public TServerLinkConfig build() {
            return new TServerLinkConfig(
                    endpoints,
                    applicationName,
                    keepAliveTimeout,
                    remoteKeepAlive,
                    requestTimeout,
                    reconnectDelay,
                    reconnectMaxDelay,
                    maxFrameSize,
                    tls);
        }
    }
}

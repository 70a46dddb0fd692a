package io.ucsync.lab.tserver;

import io.ucsync.tlib.codec.TlwCodec;
import io.ucsync.tlib.protocol.ServerRole;
import io.ucsync.tls.TlsSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link TServerEmulator} starts.
 *
 * @param port             TLW/1 port on 127.0.0.1, 0 for a free one
 * @param dns              the DNs the emulated switch has
 * @param role             Primary or Backup
 * @param controlPort      text control port on 127.0.0.1: -1 none, 0 a free one
 * @param agents           AgentID to password; empty means any AgentID is accepted without a password check
 * @param mirrorOf         backup only: the primary whose agents and calls it follows, or null
 * @param keepAliveTimeout the server's own keep-alive timeout (src/main/docs/tlw1.md section 6), {@link Duration#ZERO}
 *                         for off
 * @param maxFrameSize     the largest frame length field accepted
 * @param tls              TLW/1 inside TLS with these stores (also towards the primary it mirrors), or null for plain TCP
 */
public record TServerEmulatorConfig(
        int port,
        List<String> dns,
        ServerRole role,
        int controlPort,
        Map<String, String> agents,
        InetSocketAddress mirrorOf,
        Duration keepAliveTimeout,
        int maxFrameSize,
        TlsSettings tls) {

    public TServerEmulatorConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        if (controlPort < -1 || controlPort > 65535) {
            throw new IllegalArgumentException("controlPort must be -1 (none) or 0..65535: " + controlPort);
        }
        dns = List.copyOf(dns);
        if (dns.isEmpty()) {
            throw new IllegalArgumentException("the emulated switch needs at least one DN");
        }
        if (dns.stream().anyMatch(String::isBlank) || dns.stream().distinct().count() != dns.size()) {
            throw new IllegalArgumentException("DNs must be non-blank and distinct: " + dns);
        }
        Objects.requireNonNull(role, "role");
        agents = Map.copyOf(agents);
        if (mirrorOf != null && role != ServerRole.Backup) {
            throw new IllegalArgumentException("only a Backup can mirror a primary");
        }
        Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        if (keepAliveTimeout.isNegative()) {
            throw new IllegalArgumentException("keepAliveTimeout must not be negative: " + keepAliveTimeout);
        }
        if (maxFrameSize < 4) {
            throw new IllegalArgumentException("maxFrameSize must be at least 4: " + maxFrameSize);
        }
    }

    @Override
    public String toString() {
        // The agents' passwords stay out of logs: only their AgentIDs are shown.
        return "TServerEmulatorConfig[port=" + port + ", dns=" + dns + ", role=" + role + ", controlPort=" + controlPort
                + ", agents=" + agents.keySet() + ", mirrorOf=" + mirrorOf + ", keepAliveTimeout=" + keepAliveTimeout
                + ", maxFrameSize=" + maxFrameSize + ", tls=" + tls + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: free port, Primary, no control port, any agent, no mirror, keep-alive off, 65536-byte frames, plain TCP. */
    public static final class Builder {
        private int port;
        private List<String> dns = List.of();
        private ServerRole role = ServerRole.Primary;
        private int controlPort = -1;
        private Map<String, String> agents = new LinkedHashMap<>();
        private InetSocketAddress mirrorOf;
        private Duration keepAliveTimeout = Duration.ZERO;
        private int maxFrameSize = TlwCodec.DEFAULT_MAX_FRAME_SIZE;
        private TlsSettings tls;

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder dns(List<String> dns) {
            this.dns = dns;
            return this;
        }

        public Builder role(ServerRole role) {
            this.role = role;
            return this;
        }

        public Builder controlPort(int controlPort) {
            this.controlPort = controlPort;
            return this;
        }

        public Builder agents(Map<String, String> agents) {
            this.agents = agents;
            return this;
        }

        public Builder mirrorOf(InetSocketAddress mirrorOf) {
            this.mirrorOf = mirrorOf;
            return this;
        }

        public Builder keepAliveTimeout(Duration keepAliveTimeout) {
            this.keepAliveTimeout = keepAliveTimeout;
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

        public TServerEmulatorConfig build() {
            return new TServerEmulatorConfig(
                    port, dns, role, controlPort, agents, mirrorOf, keepAliveTimeout, maxFrameSize, tls);
        }
    }
}

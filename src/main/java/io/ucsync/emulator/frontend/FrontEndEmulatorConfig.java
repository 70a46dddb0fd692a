package io.ucsync.emulator.frontend;

import java.util.Locale;
import java.util.Set;

import io.ucsync.tls.TlsSettings;

/**
 * How the UC front-end emulator listens.
 *
 * @param port        SIP port on 127.0.0.1; 0 picks a free one
 * @param transport   udp, tcp or tls
 * @param controlPort control port on 127.0.0.1; 0 picks a free one, -1 means none
 * @param tls         the key and trust stores for tls, else null
 */
public record FrontEndEmulatorConfig(int port, String transport, int controlPort, TlsSettings tls) {

    private static final Set<String> TRANSPORTS = Set.of("udp", "tcp", "tls");

    public FrontEndEmulatorConfig {
        transport = transport.toLowerCase(Locale.ROOT);
        if (!TRANSPORTS.contains(transport)) {
            throw new IllegalArgumentException("transport must be udp, tcp or tls, not '" + transport + "'");
        }
        if ("tls".equals(transport) && tls == null) {
            throw new IllegalArgumentException("transport tls needs a key store (the front end's certificate)");
        }
        if (port < 0 || port > 65535 || controlPort < -1 || controlPort > 65535) {
            throw new IllegalArgumentException("ports are 0-65535 (control port -1 for none)");
        }
    }

    /** UDP on a free port, no control port. */
    public static FrontEndEmulatorConfig udp() {
        return new FrontEndEmulatorConfig(0, "udp", -1, null);
    }

    /** A builder starting from {@link #udp()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link FrontEndEmulatorConfig}; {@link #build()} checks the values. */
    public static final class Builder {
        private int port;
        private String transport = "udp";
        private int controlPort = -1;
        private TlsSettings tls;

        private Builder() {
        }

        /** SIP port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** udp (the default), tcp or tls. */
        public Builder transport(String transport) {
            this.transport = transport;
            return this;
        }

        /** Control port on 127.0.0.1; 0 picks a free one, -1 (the default) means none. */
        public Builder controlPort(int controlPort) {
            this.controlPort = controlPort;
            return this;
        }

        /** The front end's key store (and trust store) for tls. */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        public FrontEndEmulatorConfig build() {
            return new FrontEndEmulatorConfig(port, transport, controlPort, tls);
        }
    }
}

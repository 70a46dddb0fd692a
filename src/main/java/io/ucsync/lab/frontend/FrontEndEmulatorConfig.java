package io.ucsync.lab.frontend;

import io.ucsync.tls.TlsSettings;
import java.util.Locale;
import java.util.Set;

/**
 * How the UC front-end emulator listens.
 *
 * @param port        SIP port on 127.0.0.1; 0 picks a free one
 * @param transport   udp, tcp or tls
 * @param controlPort control port on 127.0.0.1; 0 picks a free one, -1 means none
 * @param tls         the key and trust stores for tls, else null
 * @param maxBatch    the most workers one batched subscription may name; a larger batch is refused with 413
 */
public record FrontEndEmulatorConfig(int port, String transport, int controlPort, TlsSettings tls, int maxBatch) {

    /** The default batch limit: the most contacts a Lync client policy allows a user (MaximumNumberOfContacts). */
    public static final int DEFAULT_MAX_BATCH = 1000;

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
        if (maxBatch < 1) {
            throw new IllegalArgumentException("the batch limit is at least 1 worker, not " + maxBatch);
        }
    }

    /** With the default batch limit. */
    public FrontEndEmulatorConfig(int port, String transport, int controlPort, TlsSettings tls) {
        this(port, transport, controlPort, tls, DEFAULT_MAX_BATCH);
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
        private int maxBatch = DEFAULT_MAX_BATCH;

        private Builder() {}

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

        /** The most workers one batched subscription may name (default {@value #DEFAULT_MAX_BATCH}); more get 413. */
        public Builder maxBatch(int maxBatch) {
            this.maxBatch = maxBatch;
            return this;
        }

        public FrontEndEmulatorConfig build() {
            return new FrontEndEmulatorConfig(port, transport, controlPort, tls, maxBatch);
        }
    }
}

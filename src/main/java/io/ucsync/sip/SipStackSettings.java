package io.ucsync.sip;

import gov.nist.javax.sip.SipStackImpl;
import io.ucsync.sip.internal.ConfiguredTlsNetworkLayer;
import io.ucsync.sip.internal.FrontDoorValve;
import io.ucsync.sip.internal.FrontEndRouter;
import io.ucsync.sip.internal.NioOnlySecurityManagerProvider;
import io.ucsync.sip.internal.Slf4jServerLogger;
import io.ucsync.sip.internal.Slf4jStackLogger;
import io.ucsync.sip.internal.StrictMessageParser;
import io.ucsync.tls.TlsSettings;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import javax.sip.PeerUnavailableException;
import javax.sip.SipStack;

/**
 * The one place that turns ucsync's SIP settings into the JAIN-SIP 1.3.0-91 stack {@link Properties}, for
 * the presence component's user agent and for the UC front-end emulator alike.
 * <p>
 * It fixes JAIN-SIP defaults that are wrong for us: TLS protocols and cipher suites (the stack's defaults are
 * TLSv1/1.1 and RSA/3DES/anonymous suites, which Java 17 disables, leaving no forward secrecy), an unbounded
 * message size, log4j 1.x logging (replaced by slf4j loggers), a listener thread per event (replaced by a
 * re-entrant listener on a fixed pool) and a lenient parser that answers 200 to what RFC 3261 says to refuse
 * (behind {@link StrictMessageParser}, the front door). Automatic dialog support is off by default: the application
 * keeps its own dialog state, so unanswered BENOTIFYs leave no server transaction or dialog behind.
 */
public final class SipStackSettings {

    /** Stack property naming whether TLS clients verify the server certificate's host name (read by the network layer). */
    public static final String TLS_VERIFY_HOSTNAME = "io.ucsync.sip.TLS_VERIFY_HOSTNAME";

    /** Stack property with the type of the key and trust stores (read by the network layer). */
    public static final String TLS_STORE_TYPE = "io.ucsync.sip.TLS_STORE_TYPE";

    private static final int DEFAULT_THREADS = 4;
    private static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
    private static final int DEFAULT_UDP_RECEIVE_BUFFER = 1024 * 1024;
    private static final int TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final String stackName;
    private final int listenerThreads;
    private final int maxMessageSize;
    private final int udpReceiveBufferSize;
    private final String outboundProxy;
    private final boolean automaticDialogSupport;
    private final TlsSettings tls;

    private SipStackSettings(Builder builder) {
        this.stackName = builder.stackName;
        this.listenerThreads = builder.listenerThreads;
        this.maxMessageSize = builder.maxMessageSize;
        this.udpReceiveBufferSize = builder.udpReceiveBufferSize;
        this.outboundProxy = builder.outboundProxy;
        this.automaticDialogSupport = builder.automaticDialogSupport;
        this.tls = builder.tls;
    }

    /** Starts settings for a stack; the name shows in thread names and must be unique in the JVM. */
    public static Builder builder(String stackName) {
        return new Builder(stackName);
    }

    public String stackName() {
        return stackName;
    }

    public TlsSettings tls() {
        return tls;
    }

    /** The JAIN-SIP configuration properties of these settings. */
    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", stackName);
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", automaticDialogSupport ? "on" : "off");
        if (!automaticDialogSupport) {
            // Without it, a NOTIFY arriving while its SUBSCRIBE transaction is still in the table makes the stack
            // take that transaction's lock and never give it back (DialogFilter's pending-SUBSCRIBE match expects
            // the answer to go through a server transaction; ucsync answers statelessly).
            p.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "true");
        }
        // The listener runs on the stack's fixed pool; it hands work off quickly and is thread-safe.
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(listenerThreads));
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(maxMessageSize));
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(udpReceiveBufferSize));
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "true");
        // the front door: what RFC 3261 and RFC 4475 say to refuse is refused before the stack or the application sees
        // it
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", StrictMessageParser.Factory.class.getName());
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", FrontDoorValve.class.getName());
        p.setProperty("gov.nist.javax.sip.NETWORK_LAYER", ConfiguredTlsNetworkLayer.class.getName());
        p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", NioOnlySecurityManagerProvider.class.getName());
        // Named explicitly only to stop the stack warning that it uses the default: host names are checked by
        // ConfiguredTlsNetworkLayer during the handshake, before any policy would run.
        p.setProperty("gov.nist.javax.sip.TLS_SECURITY_POLICY", "gov.nist.javax.sip.stack.DefaultTlsSecurityPolicy");
        if (outboundProxy != null) {
            p.setProperty("javax.sip.OUTBOUND_PROXY", outboundProxy);
            // the outbound proxy is the front-end server in use, which the user agent changes when one fails
            p.setProperty("javax.sip.ROUTER_PATH", FrontEndRouter.class.getName());
        }
        if (tls != null) {
            putTls(p);
        }
        return p;
    }

    /** JAIN-SIP's names for the client-authentication modes (gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE). */
    private static String jainSipClientAuth(TlsSettings.ClientAuth clientAuth) {
        return switch (clientAuth) {
            case NONE -> "Disabled";
            case WANT -> "Want";
            case REQUIRE -> "Enabled";
        };
    }

    private void putTls(Properties p) {
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", String.join(",", TlsSettings.PROTOCOLS));
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",", TlsSettings.CIPHER_SUITES));
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", jainSipClientAuth(tls.clientAuth()));
        p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", Integer.toString(TLS_HANDSHAKE_TIMEOUT_MILLIS));
        p.setProperty("gov.nist.javax.sip.SSL_RENEGOTIATION_ENABLED", "false");
        // The stack's own SslNetworkLayer only exists when a key store is set and does not apply the cipher
        // suites on every path; ConfiguredTlsNetworkLayer builds its SSLContext from these same properties.
        p.setProperty(TLS_STORE_TYPE, tls.storeType());
        p.setProperty(TLS_VERIFY_HOSTNAME, Boolean.toString(tls.verifyHostname()));
        if (tls.keyStore() != null) {
            p.setProperty("javax.net.ssl.keyStore", tls.keyStore().toString());
            p.setProperty("javax.net.ssl.keyStoreType", tls.storeType());
            if (tls.keyStorePassword() != null) {
                p.setProperty("javax.net.ssl.keyStorePassword", tls.keyStorePassword());
            }
        }
        p.setProperty("javax.net.ssl.trustStore", tls.effectiveTrustStore().toString());
        p.setProperty("javax.net.ssl.trustStoreType", tls.storeType());
        if (tls.effectiveTrustStorePassword() != null) {
            p.setProperty("javax.net.ssl.trustStorePassword", tls.effectiveTrustStorePassword());
        }
    }

    /**
     * Creates the stack. The TLS stores are loaded first, so a wrong path or password fails here with a
     * message naming the file (JAIN-SIP itself would only log it and run without TLS).
     */
    public SipStack createStack() throws PeerUnavailableException {
        if (tls != null) {
            if (tls.keyStore() != null) {
                TlsSettings.load(tls.keyStore(), tls.keyStorePassword(), tls.storeType());
            }
            TlsSettings.load(tls.effectiveTrustStore(), tls.effectiveTrustStorePassword(), tls.storeType());
        }
        // Not through SipFactory: it caches stacks by name for the life of the JVM.
        return new SipStackImpl(toProperties());
    }

    @Override
    public String toString() {
        return "SipStackSettings[" + stackName + ", threads=" + listenerThreads + ", maxMessageSize=" + maxMessageSize
                + ", outboundProxy=" + outboundProxy + ", tls=" + tls + "]";
    }

    /** Builds {@link SipStackSettings}; every setting has a default suited to a presence user agent. */
    public static final class Builder {
        private final String stackName;
        private int listenerThreads = DEFAULT_THREADS;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private int udpReceiveBufferSize = DEFAULT_UDP_RECEIVE_BUFFER;
        private String outboundProxy;
        private boolean automaticDialogSupport;
        private TlsSettings tls;

        private Builder(String stackName) {
            this.stackName = Objects.requireNonNull(stackName, "stackName");
        }

        /** Threads that read UDP datagrams and run the listener (JAIN-SIP THREAD_POOL_SIZE); default 4. */
        public Builder listenerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("listenerThreads must be at least 1, was " + threads);
            }
            this.listenerThreads = threads;
            return this;
        }

        /**
         * The largest SIP message the stack reads, in bytes (default 16 MiB). A larger message on TCP/TLS makes
         * the stack drop the connection; applications bound bodies more tightly themselves.
         */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("maxMessageSize must be at least 4096 bytes, was " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** The UDP socket's receive buffer (SO_RCVBUF), absorbing bursts of notifications; default 1 MiB. */
        public Builder udpReceiveBufferSize(int bytes) {
            this.udpReceiveBufferSize = bytes;
            return this;
        }

        /**
         * Sends every request without a Route header to this hop, e.g. the UC front end; the stack's router
         * ({@link FrontEndRouter}) can move it to another server later.
         */
        public Builder outboundProxy(String hostPort, String transport) {
            this.outboundProxy = hostPort + "/" + transport.toLowerCase(Locale.ROOT);
            return this;
        }

        /**
         * JAIN-SIP automatic dialog support (default off). With it on, every in-dialog request gets a server
         * transaction and the dialog outlives its subscription unless the application terminates and deletes them.
         */
        public Builder automaticDialogSupport(boolean on) {
            this.automaticDialogSupport = on;
            return this;
        }

        /** TLS key material; required for a TLS listening point. */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        public SipStackSettings build() {
            return new SipStackSettings(this);
        }
    }
}

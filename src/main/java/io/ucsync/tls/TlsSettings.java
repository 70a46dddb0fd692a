package io.ucsync.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where one side of a TLS connection finds its key material, and what it asks of the other side: the same settings
 * for SIP (the presence component and the front-end emulator) and for TLW/1 (the T-Server link and emulator).
 *
 * @param keyStore           the key store holding this side's certificate and private key; null for a client
 *                           that presents no certificate (then the server must not require one)
 * @param keyStorePassword   the key store's password (also the private key's password)
 * @param trustStore         the trust store with the CA certificates a peer's certificate must chain to;
 *                           null means the key store doubles as the trust store
 * @param trustStorePassword the trust store's password
 * @param storeType          the type of both stores, e.g. {@code PKCS12} or {@code JKS}
 * @param clientAuth         what a TLS server side asks from connecting clients (mutual TLS)
 * @param verifyHostname     whether a client checks that the server certificate names the host it connects to
 */
public record TlsSettings(
        Path keyStore,
        String keyStorePassword,
        Path trustStore,
        String trustStorePassword,
        String storeType,
        ClientAuth clientAuth,
        boolean verifyHostname) {

    /** TLS protocol versions offered and accepted, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Cipher suites: the TLS 1.3 suites and the TLS 1.2 ECDHE suites with AEAD ciphers (forward secrecy, no CBC, no
     * RSA key exchange), for RSA and ECDSA certificates.
     */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** What a TLS server side asks from a connecting client. */
    public enum ClientAuth {
        /** No client certificate is asked for. */
        NONE,
        /** A client certificate is asked for; a client without one is still accepted. */
        WANT,
        /** A client certificate is required (mutual TLS). */
        REQUIRE
    }

    public TlsSettings {
        Objects.requireNonNull(storeType, "storeType");
        Objects.requireNonNull(clientAuth, "clientAuth");
        if (keyStore == null && trustStore == null) {
            throw new IllegalArgumentException("TLS needs a key store or a trust store");
        }
    }

    /** The trust store in effect: the key store doubles as trust store when none is given. */
    public Path effectiveTrustStore() {
        return trustStore != null ? trustStore : keyStore;
    }

    /** The password of the trust store in effect. */
    public String effectiveTrustStorePassword() {
        return trustStore != null ? trustStorePassword : keyStorePassword;
    }

    /**
     * The context of these stores, built once by each user; a store that cannot be read fails here, naming its file,
     * rather than a handshake failing later.
     */
    public SSLContext sslContext() {
        try {
            KeyManager[] keyManagers = null;
            if (keyStore != null) {
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(
                        load(keyStore, keyStorePassword, storeType),
                        keyStorePassword == null ? null : keyStorePassword.toCharArray());
                keyManagers = keys.getKeyManagers();
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(effectiveTrustStore(), effectiveTrustStorePassword(), storeType));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot build the TLS context from " + this + ": " + e.getMessage(), e);
        }
    }

    /** An engine for a connection to host:port: these protocols and suites, and the host checked against its certificate. */
    public SSLEngine clientEngine(SSLContext context, String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = parameters(engine);
        if (verifyHostname) {
            // the host we were told to connect to (DNS name or IP address) must be in the certificate, as for HTTPS
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** An engine for a connection a server accepted: these protocols and suites, and a client certificate as asked. */
    public SSLEngine serverEngine(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = parameters(engine);
        parameters.setNeedClientAuth(clientAuth == ClientAuth.REQUIRE);
        if (clientAuth == ClientAuth.WANT) {
            parameters.setWantClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static SSLParameters parameters(SSLEngine engine) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
        parameters.setCipherSuites(CIPHER_SUITES.toArray(String[]::new));
        return parameters;
    }

    /** What a failed handshake said, for one log line: the innermost cause's message (certificate not trusted, wrong host, ...). */
    public static String handshakeFailure(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /**
     * Loads a store the way the TLS context will, so that a wrong path or password fails at start-up with a
     * message naming the file instead of a TLS handshake failing later.
     */
    public static KeyStore load(Path file, String password, String type) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load " + type + " store " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        // Passwords stay out of logs and exception messages.
        return "TlsSettings[keyStore=" + keyStore + ", trustStore=" + effectiveTrustStore() + ", storeType=" + storeType
                + ", clientAuth=" + clientAuth + ", verifyHostname=" + verifyHostname + "]";
    }
}

package io.ucsync.sip;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;

/**
 * Where a SIP stack finds its TLS key material and whether it asks its peers for a certificate.
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
public record SipTlsSettings(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
        String storeType, ClientAuth clientAuth, boolean verifyHostname) {

    /** What a TLS server side asks from a connecting client. */
    public enum ClientAuth {
        /** No client certificate is asked for. */
        NONE("Disabled"),
        /** A client certificate is asked for; a client without one is still accepted. */
        WANT("Want"),
        /** A client certificate is required (mutual TLS). */
        REQUIRE("Enabled");

        private final String jainSipName;

        ClientAuth(String jainSipName) {
            this.jainSipName = jainSipName;
        }

        /** The value of JAIN-SIP's {@code gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE}. */
        public String jainSipName() {
            return jainSipName;
        }
    }

    public SipTlsSettings {
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
     * Loads a store the way the stack will, so that a wrong path or password fails at start-up with a
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
        return "SipTlsSettings[keyStore=" + keyStore + ", trustStore=" + effectiveTrustStore() + ", storeType="
                + storeType + ", clientAuth=" + clientAuth + ", verifyHostname=" + verifyHostname + "]";
    }
}

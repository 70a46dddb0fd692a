package io.ucsync.tls;

import java.nio.file.Path;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The TLS options of the components whose endpoints connect out over TLS (sip-presence to the UC front end, tlib to
 * the T-Server): where the stores are and whether the peer's host name is checked.
 */
@UriParams
public abstract class TlsStoreOptions {

    /** TLS: the key store (PKCS12 or JKS file) with ucsync's certificate, presented when the peer asks for one (mutual TLS). */
    @UriParam(label = "security")
    private String keyStore;

    /** TLS: the key store's password (also the key's). */
    @UriParam(label = "security", secret = true)
    private String keyStorePassword;

    /**
     * TLS: the trust store with the CA certificates the peer's certificate must chain to; without it the key store
     * serves as trust store. TLS needs one of the two.
     */
    @UriParam(label = "security")
    private String trustStore;

    /** TLS: the trust store's password. */
    @UriParam(label = "security", secret = true)
    private String trustStorePassword;

    /** TLS: the type of the key and trust stores. */
    @UriParam(label = "security", defaultValue = "PKCS12")
    private String storeType = "PKCS12";

    /** TLS: whether the peer's certificate must name the host ucsync connects to (DNS name or IP address). */
    @UriParam(label = "security", defaultValue = "true")
    private boolean verifyHostname = true;

    /** Whether a key store or a trust store is given. */
    protected boolean hasStores() {
        return keyStore != null || trustStore != null;
    }

    /** These options as the settings of a TLS side that asks {@code clientAuth} of the peers connecting to it. */
    protected TlsSettings tlsSettings(TlsSettings.ClientAuth clientAuth) {
        return new TlsSettings(
                keyStore == null ? null : Path.of(keyStore),
                keyStorePassword,
                trustStore == null ? null : Path.of(trustStore),
                trustStorePassword,
                storeType,
                clientAuth,
                verifyHostname);
    }

    public String getKeyStore() {
        return keyStore;
    }

    public void setKeyStore(String keyStore) {
        this.keyStore = keyStore;
    }

    public String getKeyStorePassword() {
        return keyStorePassword;
    }

    public void setKeyStorePassword(String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    public String getTrustStore() {
        return trustStore;
    }

    public void setTrustStore(String trustStore) {
        this.trustStore = trustStore;
    }

    public String getTrustStorePassword() {
        return trustStorePassword;
    }

    public void setTrustStorePassword(String trustStorePassword) {
        this.trustStorePassword = trustStorePassword;
    }

    public String getStoreType() {
        return storeType;
    }

    public void setStoreType(String storeType) {
        this.storeType = storeType;
    }

    public boolean isVerifyHostname() {
        return verifyHostname;
    }

    public void setVerifyHostname(boolean verifyHostname) {
        this.verifyHostname = verifyHostname;
    }
}

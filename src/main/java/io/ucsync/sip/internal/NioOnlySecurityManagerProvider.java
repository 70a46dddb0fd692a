package io.ucsync.sip.internal;

import gov.nist.core.net.SecurityManagerProvider;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * Stands in for JAIN-SIP's default security manager provider, which only its NIO TLS transport uses and which
 * warns at every stack start that it has no key store. ucsync's stacks use the blocking transports, whose TLS
 * sockets {@link ConfiguredTlsNetworkLayer} makes; there is nothing for this provider to do.
 */
public final class NioOnlySecurityManagerProvider implements SecurityManagerProvider {

    @Override
    public void init(Properties properties) {
        // Nothing to load: see the class comment.
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) {
        return null;
    }

    @Override
    public TrustManager[] getTrustManagers(boolean client) {
        return null;
    }
}

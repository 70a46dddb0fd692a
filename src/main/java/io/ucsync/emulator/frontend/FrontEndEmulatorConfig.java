package io.ucsync.emulator.frontend;

import java.util.Locale;
import java.util.Set;

import io.ucsync.sip.SipTlsSettings;

/**
 * How the UC front-end emulator listens.
 *
 * @param port        SIP port on 127.0.0.1; 0 picks a free one
 * @param transport   udp, tcp or tls
 * @param controlPort control port on 127.0.0.1; 0 picks a free one, -1 means none
 * @param tls         the key and trust stores for tls, else null
 */
public record FrontEndEmulatorConfig(int port, String transport, int controlPort, SipTlsSettings tls) {

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
}

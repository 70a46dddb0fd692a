package io.ucsync.sip;

import java.util.Locale;

/** The transport of the connection to the front end. */
public enum SipTransport {
    UDP,
    TCP,
    /** TLS over TCP (TLSv1.2 or TLSv1.3, see {@link SipStackSettings}). */
    TLS;

    /** The transport name as JAIN-SIP and SIP URIs write it. */
    public String sipName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

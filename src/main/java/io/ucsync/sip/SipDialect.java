package io.ucsync.sip;

/** Which presence protocol the front end speaks. */
public enum SipDialect {
    /**
     * Microsoft MS-PRES (Lync / Skype for Business): category SUBSCRIBE with BENOTIFY, optional batched
     * (adhocList) subscriptions and piggybacked first notification, presence publication through SERVICE.
     */
    MSPRES,
    /** IETF SIMPLE: RFC 3856/6665 presence subscriptions with PIDF, publication through RFC 3903 PUBLISH. */
    SIMPLE
}

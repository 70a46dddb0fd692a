package io.ucsync.tlib;

import org.apache.camel.spi.Metadata;

/**
 * Exchange headers of the {@code tlib} component: set from the message the link received, and {@link #SEND_BY} read
 * by the producer.
 */
public final class TlibConstants {

    @Metadata(description = "The T-Server link's name (the endpoint path).", javaType = "String")
    public static final String LINK = "TlibLink";

    @Metadata(
            description = "The event's message name, e.g. EventAgentReady (consumer) or the response's (producer).",
            javaType = "String")
    public static final String MESSAGE_TYPE = "TlibMessageType";

    @Metadata(description = "ThisDN of the event, when it has one.", javaType = "String")
    public static final String THIS_DN = "TlibThisDN";

    @Metadata(description = "AgentID of the event, when it has one.", javaType = "String")
    public static final String AGENT_ID = "TlibAgentID";

    @Metadata(
            label = "consumer",
            description =
                    "True for the EventAddressInfo of each registered DN that the link delivers after every (re)connect.",
            javaType = "boolean")
    public static final String RESYNC = "TlibResync";

    @Metadata(
            label = "consumer",
            description = "True for a resync on another server than the link was last up on (a switchover"
                    + " to the backup), which may have missed what happened on the old one.",
            javaType = "boolean")
    public static final String NEW_SERVER = "TlibNewServer";

    @Metadata(
            label = "producer",
            description = "A System.nanoTime() of this JVM after which the request is no longer sent: it fails with"
                    + " RequestExpiredException instead (nothing reaches the T-Server). For a sender whose right to"
                    + " act may lapse while the request waits, as a cluster node's hold on a worker does while the"
                    + " node is paused. Absent or null: no limit.",
            javaType = "Long")
    public static final String SEND_BY = "TlibSendBy";

    private TlibConstants() {}
}

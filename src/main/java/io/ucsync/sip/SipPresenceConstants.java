package io.ucsync.sip;

import org.apache.camel.spi.Metadata;

/**
 * Exchange headers of the {@code sip-presence} component. They are set by the component from values it parsed
 * itself; SIP headers of incoming messages are never copied into exchange headers.
 */
public final class SipPresenceConstants {

    @Metadata(
            label = "consumer",
            description = "The name of the front end (the endpoint path) the presence came from.",
            javaType = "String")
    public static final String FRONT_END = "SipPresenceFrontEnd";

    @Metadata(
            description =
                    "The worker's SIP URI, exactly as it was given to watch (consumer) or in the publication (producer).",
            javaType = "String")
    public static final String WORKER = "SipPresenceWorker";

    @Metadata(
            label = "consumer",
            description = "The id of the subscription (stable while the worker is watched, across re-subscriptions).",
            javaType = "String")
    public static final String SUBSCRIPTION_ID = "SipPresenceSubscriptionId";

    @Metadata(
            label = "consumer",
            description =
                    "What carried the presence: NOTIFY, BENOTIFY, 200 (piggybacked in the SUBSCRIBE answer), or MISSED (arrived while no consumer was attached).",
            javaType = "String")
    public static final String METHOD = "SipPresenceMethod";

    @Metadata(label = "consumer", description = "The Content-Type of the presence document.", javaType = "String")
    public static final String CONTENT_TYPE = "SipPresenceContentType";

    @Metadata(
            label = "consumer",
            description = "The Subscription-State of the notification: active, pending or terminated.",
            javaType = "String")
    public static final String SUBSCRIPTION_STATE = "SipPresenceSubscriptionState";

    @Metadata(
            label = "producer",
            description = "The SIP status code of the final answer to the publication.",
            javaType = "int")
    public static final String STATUS_CODE = "SipPresenceStatusCode";

    @Metadata(
            label = "producer",
            description =
                    "The SIP-ETag of the worker's publication after a SIMPLE PUBLISH, or the category version after an MS-PRES SERVICE.",
            javaType = "String")
    public static final String PUBLICATION_TAG = "SipPresencePublicationTag";

    private SipPresenceConstants() {}
}

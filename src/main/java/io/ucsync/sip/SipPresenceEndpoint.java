package io.ucsync.sip;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Watch and publish presence over SIP: MS-PRES (Lync / Skype for Business) or SIMPLE (RFC 3856/3903).
 * <p>
 * The consumer emits one exchange per worker presence read from a NOTIFY, BENOTIFY or piggybacked SUBSCRIBE answer
 * (body {@link io.ucsync.presence.Presence}); the producer publishes a {@link PresencePublication} body. Presence
 * documents and credentials are logged only at TRACE. (The first sentence is the component's description in its
 * generated descriptor.)
 */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "sip-presence",
        title = "SIP Presence",
        syntax = "sip-presence:frontEnd",
        category = {Category.NETWORKING},
        headersClass = SipPresenceConstants.class)
public class SipPresenceEndpoint extends DefaultEndpoint {

    @UriPath(description = "The front end's name; every endpoint with this name shares one SIP user agent.")
    @Metadata(required = true)
    private final String frontEnd;

    @UriParam
    private final SipPresenceConfiguration configuration;

    /** Set by the component once the URI's options are on the configuration, which the agent is made from. */
    private SipPresenceAgent agent;

    SipPresenceEndpoint(
            String uri, SipPresenceComponent component, String frontEnd, SipPresenceConfiguration configuration) {
        super(uri, component);
        this.frontEnd = frontEnd;
        this.configuration = configuration;
    }

    void useAgent(SipPresenceAgent agent) {
        this.agent = agent;
    }

    @Override
    public Producer createProducer() {
        return new SipPresenceProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        SipPresenceConsumer consumer = new SipPresenceConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** The front end's user agent: the Java API to watch workers and to publish (see {@link SipPresenceAgent}). */
    public SipPresenceAgent getAgent() {
        return agent;
    }

    public String getFrontEnd() {
        return frontEnd;
    }

    public SipPresenceConfiguration getConfiguration() {
        return configuration;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        agent.start();
    }
}

package io.ucsync.tlib;

import io.ucsync.tlib.link.TServerLink;
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
 * Send T-Library requests to a T-Server pair and receive its events, over TLW/1.
 * <p>
 * The producer sends the {@link io.ucsync.tlib.protocol.TlibMessage} request in the body and puts the response event
 * in its place; the consumer emits one exchange per unsolicited event (agent, DND, call, link events) and, after
 * every (re)connect, one EventAddressInfo per registered DN. (The first sentence is the component's description in
 * its generated descriptor.)
 */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "tlib",
        title = "T-Library (TLW/1)",
        syntax = "tlib:name",
        category = {Category.NETWORKING},
        headersClass = TlibConstants.class)
public class TlibEndpoint extends DefaultEndpoint {

    @UriPath(description = "The T-Server pair's name; every endpoint with this name shares one link.")
    @Metadata(required = true)
    private final String name;

    @UriParam
    private final TlibConfiguration configuration;

    /** Set by the component once the URI's options are on the configuration, which the link is made from. */
    private TServerLink link;

    TlibEndpoint(String uri, TlibComponent component, String name, TlibConfiguration configuration) {
        super(uri, component);
        this.name = name;
        this.configuration = configuration;
    }

    void useLink(TServerLink link) {
        this.link = link;
    }

    /** The link connects once an endpoint of its name starts (starting a running link does nothing). */
    @Override
    protected void doStart() throws Exception {
        super.doStart();
        link.start();
    }

    @Override
    public TlibComponent getComponent() {
        return (TlibComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new TlibProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        TlibConsumer consumer = new TlibConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** The T-Server link: the Java API to send requests and to register DNs (see {@link TServerLink}). */
    public TServerLink getLink() {
        return link;
    }

    public String getName() {
        return name;
    }

    public TlibConfiguration getConfiguration() {
        return configuration;
    }
}

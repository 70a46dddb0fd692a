package io.ucsync.tlib;

import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ucsync.tlib.link.TServerLink;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Endpoint;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code tlib} component: T-Library requests out (producer) and T-Server events in (consumer) over TLW/1.
 * It owns one {@link TServerLink} per name, shared by every endpoint of that name, all on one Netty event loop
 * group: a link starts with the first of its endpoints, gets a health check of its own ({@code tserver-link-<name>}),
 * and closes when the component stops. Replies leave the I/O thread on {@code replyThreads} lanes of Camel's, so that
 * a route may block after a request without stalling the link: the replies of one DN in order ({@link DnLanes}).
 */
@Component("tlib")
public class TlibComponent extends DefaultComponent {

    @Metadata(label = "advanced", description = "Default options for every endpoint; an endpoint URI overrides them.")
    private TlibConfiguration configuration = new TlibConfiguration();

    @Metadata(
            label = "producer",
            defaultValue = "64",
            description =
                    "Threads the routes continue on after a reply, shared by every endpoint: the replies of one DN"
                            + " on one of them, in order; those of different DNs side by side, so that one worker's change"
                            + " waiting to be saved does not hold up the others' (and the changes waiting are saved"
                            + " in one commit: more in flight, fewer commits).")
    private int replyThreads = 64;

    private final Map<String, TServerLink> links = new ConcurrentHashMap<>();
    private NioEventLoopGroup ioGroup;
    private DnLanes replyLanes;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("tlib needs a T-Server name: tlib:<name>?endpoints=host:port,host:port");
        }
        TlibEndpoint endpoint = new TlibEndpoint(uri, this, remaining, configuration.copy());
        // the generated TlibEndpointConfigurer: the configuration's options and the endpoint's own (bridgeErrorHandler,
        // ...)
        setProperties(endpoint, parameters);
        endpoint.useLink(linkFor(remaining, endpoint.getConfiguration()));
        return endpoint;
    }

    /**
     * The link of a T-Server pair, created on first use; every endpoint of that name must configure it alike, or
     * give no endpoints at all to use the link as another endpoint configured it.
     */
    synchronized TServerLink linkFor(String name, TlibConfiguration endpointConfiguration) {
        TServerLink existing = links.get(name);
        if (existing != null && endpointConfiguration.getEndpoints() == null) {
            return existing;
        }
        if (existing == null) {
            TServerLink link = new TServerLink(name, endpointConfiguration.linkConfig(), ioGroup());
            links.put(name, link);
            HealthCheckRegistry health = HealthCheckRegistry.get(getCamelContext());
            if (health != null) {
                health.register(new TServerLinkHealthCheck(link));
            }
            return link;
        }
        if (!existing.config().equals(endpointConfiguration.linkConfig())) {
            throw new IllegalArgumentException("T-Server '" + name + "' is already configured with other options;"
                    + " every tlib:" + name + " endpoint must give the same options (only dns may differ)");
        }
        return existing;
    }

    private synchronized NioEventLoopGroup ioGroup() {
        if (ioGroup == null) {
            // one I/O thread carries every link: the T-Server traffic of a connector is small next to SIP's
            ioGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("tlib-io", true));
        }
        return ioGroup;
    }

    synchronized DnLanes replyLanes() {
        if (replyLanes == null) {
            replyLanes = new DnLanes(getCamelContext().getExecutorServiceManager(), this, "tlib-replies", replyThreads);
        }
        return replyLanes;
    }

    /**
     * A pool of Camel's with an unbounded queue: Camel's default profile bounds it and then runs the task on the
     * caller, which for the tlib component is a link's I/O thread, the very thread the task's route needs (a resync of
     * thousands of DNs delivers thousands of events at once, each answered by a request).
     */
    static ThreadPoolProfile unboundedPool(String name, int threads) {
        return new ThreadPoolProfileBuilder(name)
                .poolSize(threads)
                .maxPoolSize(threads)
                .maxQueueSize(Integer.MAX_VALUE)
                .build();
    }

    /** The link of a T-Server pair, or null if no endpoint of that name was created. */
    public TServerLink link(String name) {
        return links.get(name);
    }

    /** Every link. */
    public Collection<TServerLink> links() {
        return List.copyOf(links.values());
    }

    public TlibConfiguration getConfiguration() {
        return configuration;
    }

    /** Default options for every endpoint; an endpoint URI overrides them. */
    public void setConfiguration(TlibConfiguration configuration) {
        this.configuration = configuration;
    }

    public int getReplyThreads() {
        return replyThreads;
    }

    public void setReplyThreads(int replyThreads) {
        this.replyThreads = replyThreads;
    }

    @Override
    protected void doStop() throws Exception {
        HealthCheckRegistry health = HealthCheckRegistry.get(getCamelContext());
        for (TServerLink link : links.values()) {
            link.close();
            if (health != null) {
                health.getCheck("tserver-link-" + link.name()).ifPresent(health::unregister);
            }
        }
        links.clear();
        synchronized (this) {
            if (replyLanes != null) {
                replyLanes.shutdown();
                replyLanes = null;
            }
            if (ioGroup != null) {
                ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
                ioGroup = null;
            }
        }
        super.doStop();
    }
}

package io.ucsync.sip;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Endpoint;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code sip-presence} component: presence in (consumer) and out (producer) over SIP, towards a Lync /
 * Skype for Business front end (MS-PRES) or a SIP SIMPLE presence server. It owns one {@link SipPresenceAgent}
 * per front-end name, shared by every endpoint of that name, each with a health check of its own
 * ({@code uc-pool-<name>}), and stops them when it stops. The agents' threads come from the CamelContext's
 * {@link org.apache.camel.spi.ExecutorServiceManager} ({@link CamelAgentThreads}).
 */
@Component("sip-presence")
public class SipPresenceComponent extends DefaultComponent {

    @Metadata(label = "advanced", description = "Default options for every endpoint; an endpoint URI overrides them.")
    private SipPresenceConfiguration configuration = new SipPresenceConfiguration();

    private final Map<String, SipPresenceAgent> agents = new ConcurrentHashMap<>();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException(
                    "sip-presence needs a front-end name: sip-presence:<name>?server=host:port&user=sip:...");
        }
        SipPresenceEndpoint endpoint =
                new SipPresenceEndpoint(uri, this, remaining, defaultsFor(remaining, parameters));
        // the generated SipPresenceEndpointConfigurer: the configuration's options and the endpoint's own
        // (exchangePattern, ...)
        setProperties(endpoint, parameters);
        endpoint.useAgent(agentFor(remaining, endpoint.getConfiguration()));
        return endpoint;
    }

    /**
     * The options an endpoint starts from: those of the front end's agent when one exists and the URI gives no
     * {@code server} (so that {@code sip-presence:<name>} uses the agent as another endpoint configured it, as
     * configuration creates a pool's endpoint and routes name only the pool), else the component's defaults.
     */
    private synchronized SipPresenceConfiguration defaultsFor(String frontEnd, Map<String, Object> parameters) {
        SipPresenceAgent existing = agents.get(frontEnd);
        boolean givesServer = parameters.keySet().stream().anyMatch("server"::equalsIgnoreCase);
        if (existing == null || givesServer) {
            return configuration.copy();
        }
        SipPresenceConfiguration shared = existing.configuration().copy();
        shared.setWatch(null);
        return shared;
    }

    /**
     * The user agent of a front end, created on first use. Every endpoint of one front end must configure the
     * agent alike, or give no server to use the agent as configured; only the consumer's static watch list may differ.
     */
    synchronized SipPresenceAgent agentFor(String frontEnd, SipPresenceConfiguration endpointConfiguration) {
        endpointConfiguration.validate();
        SipPresenceAgent agent = agents.computeIfAbsent(frontEnd, name -> {
            SipPresenceAgent created = new SipPresenceAgent(
                    name,
                    endpointConfiguration,
                    new CamelAgentThreads(getCamelContext().getExecutorServiceManager(), "sip-presence:" + name));
            HealthCheckRegistry health = HealthCheckRegistry.get(getCamelContext());
            if (health != null) {
                health.register(new SipPresenceAgentHealthCheck(created));
            }
            return created;
        });
        if (!agent.configuration().sameAgentAs(endpointConfiguration)) {
            throw new IllegalArgumentException("front end '" + frontEnd + "' is already configured with other options;"
                    + " every sip-presence:" + frontEnd
                    + " endpoint must give the same options (only watch may differ),"
                    + " or no server to use the front end as configured");
        }
        return agent;
    }

    /** The user agent of a front end, or null if no endpoint of that name was created. */
    public SipPresenceAgent agent(String frontEnd) {
        return agents.get(frontEnd);
    }

    /** Every front end's user agent. */
    public Collection<SipPresenceAgent> agents() {
        return List.copyOf(agents.values());
    }

    public SipPresenceConfiguration getConfiguration() {
        return configuration;
    }

    /** Default options for every endpoint; an endpoint URI overrides them. */
    public void setConfiguration(SipPresenceConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    protected void doStop() throws Exception {
        HealthCheckRegistry health = HealthCheckRegistry.get(getCamelContext());
        for (SipPresenceAgent agent : agents.values()) {
            agent.stop();
            if (health != null) {
                health.getCheck("uc-pool-" + agent.frontEnd()).ifPresent(health::unregister);
            }
        }
        super.doStop();
    }
}

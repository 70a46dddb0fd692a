package io.ucsync.sip;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The health of one front end's user agent, {@code uc-pool-<name>}: UP while it is started, its server answers and
 * every watched worker's subscription is active; the details say which server it uses, why it left the one before,
 * and how many subscriptions are active.
 */
final class SipPresenceAgentHealthCheck extends AbstractHealthCheck {

    private final SipPresenceAgent agent;

    SipPresenceAgentHealthCheck(SipPresenceAgent agent) {
        super("sip-presence", "uc-pool-" + agent.frontEnd());
        this.agent = agent;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        SipServerStatus server = agent.serverStatus();
        Map<String, Integer> subscriptions = agent.subscriptionCounts();
        int active = subscriptions.getOrDefault("ACTIVE", 0);
        int watched =
                subscriptions.values().stream().mapToInt(Integer::intValue).sum();
        builder.detail("pool", agent.frontEnd());
        builder.detail("server", server.server() + (server.reachable() ? "" : " (not answering)"));
        if (server.previous() != null) {
            builder.detail("left", server.previous() + ": " + server.leftBecause());
        }
        builder.detail("subscriptions", active + " of " + watched + " active");
        if (agent.isStarted() && server.reachable() && active == watched) {
            builder.up();
        } else {
            builder.down();
        }
    }
}

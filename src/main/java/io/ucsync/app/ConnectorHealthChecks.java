package io.ucsync.app;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import io.ucsync.sip.SipPresenceAgent;
import io.ucsync.sip.SipPresenceComponent;
import io.ucsync.tlib.TlibComponent;
import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;

/**
 * Health of the two transports, on camel-main's health endpoint ({@code camel.management.*}): every T-Server link
 * up, and the UC side's user agents started with their subscriptions active. Details name what is not.
 */
final class ConnectorHealthChecks {

    private ConnectorHealthChecks() {
    }

    static void register(CamelContext camel) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(camel);
        registry.register(new TServerLinks(camel));
        registry.register(new UcSubscriptions(camel));
    }

    /** DOWN while any T-Server link is not registered and resynchronised with a primary. */
    static final class TServerLinks extends AbstractHealthCheck {
        private final CamelContext camel;

        TServerLinks(CamelContext camel) {
            super("ucsync", "tserver-links");
            this.camel = camel;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            boolean up = true;
            for (TServerLink link : camel.getComponent("tlib", TlibComponent.class).links()) {
                builder.detail(link.name(), link.state() + (link.connectedTo() == null ? "" : " on " + link.connectedTo())
                        + (link.state() == LinkState.UP && !link.switchLinkUp() ? ", switch link down" : ""));
                up &= link.state() == LinkState.UP;
            }
            if (up) {
                builder.up();
            } else {
                builder.down();
            }
        }
    }

    /** DOWN while a front end's user agent is stopped or a watched worker has no active subscription. */
    static final class UcSubscriptions extends AbstractHealthCheck {
        private final CamelContext camel;

        UcSubscriptions(CamelContext camel) {
            super("ucsync", "uc-subscriptions");
            this.camel = camel;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            boolean up = true;
            for (SipPresenceAgent agent : camel.getComponent("sip-presence", SipPresenceComponent.class).agents()) {
                Map<String, String> states = agent.subscriptionStates();
                long active = states.values().stream().filter("ACTIVE"::equals).count();
                builder.detail(agent.frontEnd(), (agent.isStarted() ? "started" : "stopped") + ", " + active + " of "
                        + states.size() + " subscriptions active");
                up &= agent.isStarted() && active == states.size();
            }
            if (up) {
                builder.up();
            } else {
                builder.down();
            }
        }
    }
}

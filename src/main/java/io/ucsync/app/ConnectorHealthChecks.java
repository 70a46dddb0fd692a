package io.ucsync.app;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import io.ucsync.sip.SipPresenceAgent;
import io.ucsync.sip.SipPresenceComponent;

/**
 * Health of the UC side on camel-main's health endpoint ({@code camel.management.*}): the user agents started with
 * their subscriptions active; details name what is not. Each T-Server link has a check of its own, from the tlib
 * component.
 */
final class ConnectorHealthChecks {

    private ConnectorHealthChecks() {
    }

    static void register(CamelContext camel) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(camel);
        registry.register(new UcSubscriptions(camel));
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

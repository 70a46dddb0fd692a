package io.ucsync.tlib;

import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The health of one T-Server link, {@code tserver-link-<name>}: UP once registered and resynchronised with a primary,
 * DOWN otherwise; the details say where it is and whether the T-Server's switch link is up.
 */
final class TServerLinkHealthCheck extends AbstractHealthCheck {

    private final TServerLink link;

    TServerLinkHealthCheck(TServerLink link) {
        super("tlib", "tserver-link-" + link.name());
        this.link = link;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("link", link.name());
        builder.detail("state", link.state().toString());
        if (link.connectedTo() != null) {
            builder.detail("connectedTo", link.connectedTo());
        }
        if (link.state() == LinkState.UP) {
            builder.detail("switchLink", link.switchLinkUp() ? "up" : "down");
            builder.up();
        } else {
            builder.down();
        }
    }
}

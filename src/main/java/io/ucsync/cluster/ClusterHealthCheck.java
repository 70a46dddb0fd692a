package io.ucsync.cluster;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The health of this node in its cluster, {@code cluster}: UP while it is connected to the cluster service, owning
 * partitions or standing by for them; DOWN while it cannot reach ZooKeeper (it acts for nothing then). The details say
 * which partitions it acts for and which nodes are in the cluster.
 */
public final class ClusterHealthCheck extends AbstractHealthCheck {

    private final ClusterNode node;

    public ClusterHealthCheck(ClusterNode node) {
        super("ucsync", "cluster");
        this.node = node;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("node", node.nodeId());
        builder.detail("service", node.service().orElseThrow());
        builder.detail("partitions", node.partitioning().count());
        builder.detail("acting", node.acting().toString());
        builder.detail("role", node.acting().isEmpty() ? "standby" : "owner");
        builder.detail("members", String.join(",", node.members()));
        if (node.isConnected()) {
            builder.up();
        } else {
            builder.message("no connection to the cluster service: acting for no partition until it is back");
            builder.down();
        }
    }
}

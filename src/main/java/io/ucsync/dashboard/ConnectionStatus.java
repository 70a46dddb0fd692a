package io.ucsync.dashboard;

import io.ucsync.sip.SipPresenceAgent;
import io.ucsync.sip.SipServerStatus;
import io.ucsync.tlib.link.LinkState;
import io.ucsync.tlib.link.TServerLink;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The T-Server links and the UC pools as the overview shows them: each up or failing, and when failing, why, in
 * words. Read once a second (a pool's subscription states are a map as large as its workers), not per request.
 */
final class ConnectionStatus {

    /** A subscription that is not active, by its state ({@link SipPresenceAgent#subscriptionCounts()}), in words. */
    private static final List<Map.Entry<String, String>> SUBSCRIPTION_STATES = List.of(
            Map.entry("WAITING", "failed, retry scheduled"),
            Map.entry("SUBSCRIBING", "subscribing"),
            Map.entry("IDLE", "waiting for the registration"));

    private final Supplier<Collection<TServerLink>> links;
    private final Supplier<Collection<SipPresenceAgent>> pools;
    private volatile List<Map<String, Object>> tservers = List.of();
    private volatile List<Map<String, Object>> ucPools = List.of();

    /**
     * @param links the T-Server links (the tlib component's), none before the context has started
     * @param pools the UC pools' user agents (the sip-presence component's), none before the context has started
     */
    ConnectionStatus(Supplier<Collection<TServerLink>> links, Supplier<Collection<SipPresenceAgent>> pools) {
        this.links = links;
        this.pools = pools;
    }

    /** Reads every link and pool again. */
    void refresh() {
        List<Map<String, Object>> linkStates = new ArrayList<>();
        for (TServerLink link : links.get()) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("name", link.name());
            boolean up = link.state() == LinkState.UP && link.switchLinkUp();
            state.put("up", up);
            state.put("state", link.state().toString());
            state.put("connectedTo", link.connectedTo());
            state.put("reason", up ? null : linkDownReason(link));
            linkStates.add(state);
        }
        List<Map<String, Object>> poolStates = new ArrayList<>();
        for (SipPresenceAgent agent : pools.get()) {
            SipServerStatus server = agent.serverStatus();
            Map<String, Integer> subscriptions = new TreeMap<>(agent.subscriptionCounts());
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("name", agent.frontEnd());
            // as its health check says: up while its server answers and every watched worker's subscription is active
            state.put("up", agent.isStarted() && server.reachable() && notActive(subscriptions) == 0);
            state.put("server", server.server());
            state.put("subscriptions", subscriptions);
            state.put("reason", poolReason(agent, server, subscriptions));
            state.put("left", server.previous() == null ? null : server.previous() + ": " + server.leftBecause());
            poolStates.add(state);
        }
        tservers = linkStates;
        ucPools = poolStates;
    }

    /** Each T-Server link: name, up, state, connectedTo, reason (null while up). */
    List<Map<String, Object>> tservers() {
        return tservers;
    }

    /** Each UC pool: name, up, server, subscriptions by state, reason (null while up), the server it left and why. */
    List<Map<String, Object>> pools() {
        return ucPools;
    }

    private static String linkDownReason(TServerLink link) {
        return switch (link.state()) {
            case CONNECTING ->
                "no T-Server answers; trying "
                        + link.config().endpoints().stream()
                                .map(endpoint -> endpoint.getHostString() + ":" + endpoint.getPort())
                                .toList();
            case RESYNCING -> "connected to " + link.connectedTo() + ", registering the DNs and reading the agents";
            case UP -> "the T-Server's link to the switch is down: agent requests are refused";
            case CLOSED -> "closed";
        };
    }

    private static String poolReason(
            SipPresenceAgent agent, SipServerStatus server, Map<String, Integer> subscriptions) {
        if (!agent.isStarted()) {
            return "stopped";
        }
        if (!server.reachable()) {
            return server.server() + " does not answer (since " + server.since().truncatedTo(ChronoUnit.SECONDS) + ")";
        }
        if (notActive(subscriptions) == 0) {
            return null;
        }
        List<String> why = new ArrayList<>();
        for (Map.Entry<String, String> state : SUBSCRIPTION_STATES) {
            int count = subscriptions.getOrDefault(state.getKey(), 0);
            if (count > 0) {
                why.add(String.format("%,d %s", count, state.getValue()));
            }
        }
        return String.format("%,d subscriptions not active: %s", notActive(subscriptions), String.join(", ", why));
    }

    private static int notActive(Map<String, Integer> subscriptions) {
        return subscriptions.entrySet().stream()
                .filter(state -> !state.getKey().equals("ACTIVE"))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }
}

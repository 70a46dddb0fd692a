package io.ucsync.engine;

import io.ucsync.presence.PublishedPresence;

/**
 * What ucsync wants for a worker right now.
 *
 * @param agentState the agent state to reach on the T-Server, or null to leave the agent alone
 * @param publish    the presence to publish on the UC side, or null for none (remove ucsync's publication)
 * @param reason     why, for the operator and the worker: what decided the agent state, or why it is left alone
 */
public record Desired(AgentState agentState, PublishedPresence publish, String reason) {}

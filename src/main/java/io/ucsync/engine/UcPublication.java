package io.ucsync.engine;

import io.ucsync.sip.PresencePublication;

/**
 * A presence ucsync publishes for a worker (the on-call presence, or the agent state in connector mode), or the
 * removal of its publication, on the worker's UC pool.
 *
 * @param pool        the UC pool that serves the worker (its sip-presence endpoint's name)
 * @param publication what to publish
 */
public record UcPublication(String pool, PresencePublication publication) implements Command {

    @Override
    public String destination() {
        return UC;
    }
}

package io.ucsync.config;

import java.nio.file.Path;

/**
 * One knowledge worker of the roster: their SIP URI, the DN and AgentID they use on the named T-Server,
 * and optionally the queue and password to log in with, the UC pool that serves them, and their team's presence map.
 *
 * @param pool the name of the UC pool the roster names, or null for the default one
 * @param map  the presence map file the roster names (absolute), or null for the default map
 */
public record RosterEntry(
        String sipUri,
        String dn,
        String agentId,
        String tserver,
        String queue,
        String password,
        String pool,
        Path map) {

    /** The pool of the workers whose roster line names none. */
    public static final String DEFAULT_POOL = "uc";

    /** The UC pool that serves the worker: the one the roster names, or the default pool. */
    public String poolOrDefault() {
        return pool == null ? DEFAULT_POOL : pool;
    }

    /** The password is a secret: it never appears in logs. */
    @Override
    public String toString() {
        return "RosterEntry[" + sipUri + ", dn=" + dn + ", agentId=" + agentId + ", tserver=" + tserver
                + (queue == null ? "" : ", queue=" + queue) + (password == null ? "" : ", password=***")
                + (pool == null ? "" : ", pool=" + pool) + (map == null ? "" : ", map=" + map) + "]";
    }
}

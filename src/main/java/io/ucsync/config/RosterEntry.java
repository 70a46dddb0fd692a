package io.ucsync.config;

/**
 * One knowledge worker of the roster: their SIP URI, the DN and AgentID they use on the named T-Server,
 * and optionally the queue and password to log in with.
 */
public record RosterEntry(String sipUri, String dn, String agentId, String tserver, String queue, String password) {

    /** The password is a secret: it never appears in logs. */
    @Override
    public String toString() {
        return "RosterEntry[" + sipUri + ", dn=" + dn + ", agentId=" + agentId + ", tserver=" + tserver
                + (queue == null ? "" : ", queue=" + queue) + (password == null ? "" : ", password=***") + "]";
    }
}

package io.ucsync.sip;

import java.time.Instant;

/**
 * Which server of its front end a user agent uses, for health checks and metrics.
 *
 * @param server      the server in use, or the one being tried while none answers (host:port)
 * @param reachable   whether it answers; false from a failure until a server answers again
 * @param since       when this state began: the move to the server, or the failure
 * @param previous    the server the agent left last, or null when it never left one
 * @param leftBecause why it left that server (a transport failure, a request without an answer, a 503), or null
 */
public record SipServerStatus(String server, boolean reachable, Instant since, String previous, String leftBecause) {}

package io.ucsync.sip.internal;

/**
 * Why the front door refused a SIP message, and how it answers: {@code status} and {@code reasonPhrase} for a
 * request it can answer. The {@code kind} names the rule (one log line per kind and source); {@code detail} says
 * what broke it, in ucsync's words.
 */
public record Refusal(String kind, int status, String reasonPhrase, String detail) {

    static Refusal badRequest(String kind, String reasonPhrase, String detail) {
        return new Refusal(kind, 400, reasonPhrase, detail);
    }
}

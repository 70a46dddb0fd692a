package io.ucsync.http;

/**
 * The JSON body of a sign-in: a worker's SIP address and agent password (POST /api/session), or the operator's
 * password alone (POST /api/operator/session).
 */
public record Credentials(String sipUri, String password) {}

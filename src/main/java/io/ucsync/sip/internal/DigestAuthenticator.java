package io.ucsync.sip.internal;

import io.ucsync.sip.SipAuthenticationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.WWWAuthenticateHeader;

/**
 * Answers SIP digest challenges (RFC 3261 section 22, RFC 2617 and RFC 8760): algorithms MD5, MD5-sess,
 * SHA-256 and SHA-256-sess, with {@code qop=auth} when the challenge offers it. {@code qop=auth-int} alone is
 * refused, as ucsync has no use for it and no front end requires it.
 */
public final class DigestAuthenticator {

    private final String username;
    private final String password;
    private final SecureRandom random = new SecureRandom();
    /** Nonce counts per server nonce: a reused nonce must carry an increasing nc. */
    private final Map<String, AtomicInteger> nonceCounts = new ConcurrentHashMap<>();

    public DigestAuthenticator(String username, String password) {
        this.username = username;
        this.password = password == null ? "" : password;
    }

    public String username() {
        return username;
    }

    /**
     * The Authorization (for a 401) or Proxy-Authorization (for a 407) header answering {@code challenge} for a
     * request with this method and Request-URI.
     */
    public AuthorizationHeader answer(
            HeaderFactory headers, int status, WWWAuthenticateHeader challenge, String method, URI requestUri)
            throws SipAuthenticationException, ParseException {
        if (!"Digest".equalsIgnoreCase(challenge.getScheme())) {
            throw new SipAuthenticationException("realm " + challenge.getRealm() + " asks for " + challenge.getScheme()
                    + " authentication; only Digest is supported");
        }
        String algorithm = challenge.getAlgorithm() == null ? "MD5" : challenge.getAlgorithm();
        String digestName = switch (algorithm.toUpperCase(Locale.ROOT)) {
            case "MD5", "MD5-SESS" -> "MD5";
            case "SHA-256", "SHA-256-SESS" -> "SHA-256";
            default ->
                throw new SipAuthenticationException("realm " + challenge.getRealm() + " asks for digest algorithm "
                        + algorithm + "; supported are MD5 and SHA-256");
        };
        String qop = chooseQop(challenge);
        String realm = challenge.getRealm() == null ? "" : challenge.getRealm();
        String nonce = challenge.getNonce() == null ? "" : challenge.getNonce();
        String uri = requestUri.toString();
        byte[] cnonceBytes = new byte[8];
        random.nextBytes(cnonceBytes);
        String cnonce = HexFormat.of().formatHex(cnonceBytes);
        int nc = nonceCounts.computeIfAbsent(nonce, n -> new AtomicInteger()).incrementAndGet();
        if (nonceCounts.size() > 64) {
            nonceCounts.keySet().removeIf(n -> !n.equals(nonce));
        }

        String ha1 = hash(digestName, username + ":" + realm + ":" + password);
        if (algorithm.toUpperCase(Locale.ROOT).endsWith("-SESS")) {
            ha1 = hash(digestName, ha1 + ":" + nonce + ":" + cnonce);
        }
        String ha2 = hash(digestName, method + ":" + uri);
        String ncHex = String.format("%08x", nc);
        String response = qop == null
                ? hash(digestName, ha1 + ":" + nonce + ":" + ha2)
                : hash(digestName, ha1 + ":" + nonce + ":" + ncHex + ":" + cnonce + ":" + qop + ":" + ha2);

        AuthorizationHeader header = status == 407
                ? headers.createProxyAuthorizationHeader("Digest")
                : headers.createAuthorizationHeader("Digest");
        header.setUsername(username);
        header.setRealm(realm);
        header.setNonce(nonce);
        header.setURI(requestUri);
        header.setResponse(response);
        if (challenge.getAlgorithm() != null) {
            header.setAlgorithm(challenge.getAlgorithm());
        }
        if (challenge.getOpaque() != null) {
            header.setOpaque(challenge.getOpaque());
        }
        if (qop != null) {
            header.setQop(qop);
            header.setCNonce(cnonce);
            header.setNonceCount(nc);
        }
        return header;
    }

    private static String chooseQop(WWWAuthenticateHeader challenge) throws SipAuthenticationException {
        String offered = challenge.getQop();
        if (offered == null || offered.isBlank()) {
            return null;
        }
        for (String option : offered.split(",")) {
            if (option.trim().equalsIgnoreCase("auth")) {
                return "auth";
            }
        }
        throw new SipAuthenticationException(
                "realm " + challenge.getRealm() + " offers qop=" + offered + "; only qop=auth is supported");
    }

    private static String hash(String algorithm, String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }
}

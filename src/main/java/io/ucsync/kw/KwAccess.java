package io.ucsync.kw;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.net.SocketAddress;

import io.ucsync.config.Roster;
import io.ucsync.config.RosterEntry;

/**
 * Who may use the HTTP API: a worker signs in with their SIP address and their agent password (the roster's), gets a
 * session cookie, and may then read and change only themselves; the operator signs in to the dashboard with the
 * operator password and may read every worker; the routing system offers previews with a token of its own.
 * State-changing requests must carry {@code X-Requested-With: ucsync}, which a page of another site cannot send
 * without asking first (CSRF), and the cookies are SameSite=Strict. Failed sign-ins are throttled per account and
 * address ({@link SignInThrottle}). Sessions live in memory: after a restart everyone signs in again.
 */
public final class KwAccess {

    /** Set by every check: whether the request may go on. A refused one already carries its status and reason. */
    public static final String ALLOWED = "KwAllowed";
    static final String COOKIE = "ucsync_session";
    static final String OPERATOR_COOKIE = "ucsync_operator";
    /** The operator's principal: no SIP URI can be it, so an operator session never passes as a worker's. */
    private static final String OPERATOR = "operator";
    static final String CSRF_HEADER = "X-Requested-With";
    static final String CSRF_VALUE = "ucsync";

    private static final Logger LOG = LoggerFactory.getLogger(KwAccess.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<Roster> roster;
    private final String previewApiToken;
    private final String operatorPassword;
    private final SignInThrottle throttle;
    private final Consumer<String> onSignIn;
    private final Consumer<String> onSignOut;
    private final SecureRandom random = new SecureRandom();
    /** Who each session belongs to: a worker's SIP URI, or {@link #OPERATOR}. */
    private final Map<String, String> principalBySession = new ConcurrentHashMap<>();

    /**
     * @param previewApiToken  the routing system's credential for offering previews; null or blank refuses every offer
     * @param operatorPassword the dashboard's password; null or blank refuses every operator sign-in
     * @param onSignIn         told the SIP URI of a worker who signed in
     * @param onSignOut        told the SIP URI of a worker who signed out
     */
    public KwAccess(Supplier<Roster> roster, String previewApiToken, String operatorPassword, Clock clock,
            Consumer<String> onSignIn, Consumer<String> onSignOut) {
        this.roster = roster;
        this.previewApiToken = blankToNull(previewApiToken);
        this.operatorPassword = blankToNull(operatorPassword);
        this.throttle = new SignInThrottle(clock);
        this.onSignIn = onSignIn;
        this.onSignOut = onSignOut;
    }

    /**
     * POST /api/session with a JSON body {@code {"sipUri": ..., "password": ...}}: a session cookie, and the worker's address
     * in the header {@code worker}; false (401 set on the exchange) for an unknown address or a wrong password, 429
     * after too many failures.
     */
    public void signIn(Exchange exchange) {
        Message in = exchange.getMessage();
        in.setHeader(ALLOWED, false);
        if (!csrfHeaderPresent(exchange)) {
            return;
        }
        JsonNode form = json(in.getBody(String.class));
        String sipUri = form.path("sipUri").asText("").trim();
        Optional<RosterEntry> worker = roster.get().bySipUri(sipUri);
        if (!passwordAccepted(exchange, sipUri, worker.map(RosterEntry::password).orElse(null), form.path("password").asText(""))) {
            return;
        }
        startSession(exchange, COOKIE, sipUri);
        in.setHeader("worker", sipUri);
        LOG.info("{} signed in to the KW page", sipUri);
        onSignIn.accept(sipUri);
        in.setHeader(ALLOWED, true);
    }

    /** POST /api/operator/session with a JSON body {@code {"password": ...}}: the operator's session cookie (401, 429 if not). */
    public void signInOperator(Exchange exchange) {
        Message in = exchange.getMessage();
        in.setHeader(ALLOWED, false);
        if (!csrfHeaderPresent(exchange)
                || !passwordAccepted(exchange, OPERATOR, operatorPassword, json(in.getBody(String.class)).path("password").asText(""))) {
            return;
        }
        startSession(exchange, OPERATOR_COOKIE, OPERATOR);
        LOG.info("the operator signed in to the dashboard from {}", clientAddress(exchange));
        in.setHeader(ALLOWED, true);
    }

    /** GET /api/operator/session, and every dashboard request: whether the operator is signed in (401 if not; 403 for a change without the CSRF header). */
    public void authorizeOperator(Exchange exchange) {
        boolean signedIn = OPERATOR.equals(principal(exchange, OPERATOR_COOKIE));
        if (!signedIn) {
            refuse(exchange, 401, "the dashboard needs the operator's sign-in");
        }
        exchange.getMessage().setHeader(ALLOWED, signedIn && csrfHeaderPresent(exchange));
    }

    /** For a request that is not a Camel exchange (the dashboard's event stream): whether its cookies carry the operator's session. */
    public boolean isOperator(String cookieHeader) {
        return OPERATOR.equals(principal(cookieHeader, OPERATOR_COOKIE));
    }

    /**
     * Whether the password is the account's; sets 401 (wrong, or no such account) or 429 (too many failures from this
     * address, with Retry-After) on the exchange if not.
     */
    private boolean passwordAccepted(Exchange exchange, String account, String expected, String given) {
        String address = clientAddress(exchange);
        Optional<Duration> wait = throttle.retryAfter(account, address);
        if (wait.isPresent()) {
            LOG.warn("sign-in for '{}' from {} refused: too many failed attempts, next in {} s", account, address, wait.get().toSeconds() + 1);
            refuse(exchange, 429, "too many failed sign-ins; try again later");
            exchange.getMessage().setHeader("Retry-After", wait.get().toSeconds() + 1);
            return false;
        }
        if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            throttle.failed(account, address);
            LOG.info("sign-in refused for '{}' from {}", account, address);
            refuse(exchange, 401, "unknown address or wrong password");
            return false;
        }
        throttle.succeeded(account, address);
        return true;
    }

    private void startSession(Exchange exchange, String cookie, String principal) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String session = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        principalBySession.put(session, principal);
        exchange.getMessage().setHeader("Set-Cookie", cookie + "=" + session + cookieAttributes(exchange));
    }

    /** GET /api/session: the signed-in worker's address in the header {@code worker}; false (401) without a session. */
    public void currentWorker(Exchange exchange) {
        String worker = principal(exchange, COOKIE);
        exchange.getMessage().setHeader(ALLOWED, worker != null);
        if (worker == null) {
            refuse(exchange, 401, "not signed in");
            return;
        }
        exchange.getMessage().setHeader("worker", worker);
    }

    /** DELETE /api/session: ends the session. */
    public void signOut(Exchange exchange) {
        if (!csrfHeaderPresent(exchange)) {
            return;
        }
        String session = sessionOf(exchange.getMessage().getHeader("Cookie", String.class), COOKIE);
        String worker = session == null ? null : principalBySession.remove(session);
        exchange.getMessage().setHeader("Set-Cookie", COOKIE + "=" + cookieAttributes(exchange) + "; Max-Age=0");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        exchange.getMessage().setBody("");
        if (worker != null && !principalBySession.containsValue(worker)) {
            LOG.info("{} signed out of the KW page", worker);
            onSignOut.accept(worker);
        }
    }

    /**
     * Whether the request may touch the worker in its {@code worker} header: 401 without a session, 403 for another
     * worker, 403 for a change without the CSRF header.
     */
    public void authorizeWorker(Exchange exchange) {
        exchange.getMessage().setHeader(ALLOWED, allowsWorker(exchange));
    }

    private boolean allowsWorker(Exchange exchange) {
        String signedIn = principal(exchange, COOKIE);
        if (signedIn == null) {
            refuse(exchange, 401, "not signed in");
            return false;
        }
        if (!signedIn.equals(exchange.getMessage().getHeader("worker", String.class))) {
            refuse(exchange, 403, "a worker can read and change only themselves");
            return false;
        }
        return csrfHeaderPresent(exchange);
    }

    /** Whether the request carries the routing system's credential ({@code Authorization: Bearer TOKEN}); 401 if not. */
    public void authorizePreviewApi(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        boolean allowed = previewApiToken != null && authorization != null && authorization.startsWith("Bearer ")
                && MessageDigest.isEqual(previewApiToken.getBytes(StandardCharsets.UTF_8),
                        authorization.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8));
        if (!allowed) {
            refuse(exchange, 401, "the preview API needs the routing system's token");
        }
        exchange.getMessage().setHeader(ALLOWED, allowed);
    }

    /**
     * A session cookie goes back only to this server, never to a script, never with another site's request, and, when
     * the page came over TLS, never over plain HTTP.
     */
    private static String cookieAttributes(Exchange exchange) {
        String url = exchange.getMessage().getHeader(Exchange.HTTP_URL, String.class);
        return "; Path=/; HttpOnly; SameSite=Strict" + (url != null && url.startsWith("https:") ? "; Secure" : "");
    }

    private boolean csrfHeaderPresent(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        if ("GET".equals(method) || CSRF_VALUE.equals(exchange.getMessage().getHeader(CSRF_HEADER, String.class))) {
            return true;
        }
        refuse(exchange, 403, "a change needs the header " + CSRF_HEADER + ": " + CSRF_VALUE);
        return false;
    }

    private String principal(Exchange exchange, String cookie) {
        return principal(exchange.getMessage().getHeader("Cookie", String.class), cookie);
    }

    private String principal(String cookieHeader, String cookie) {
        String session = sessionOf(cookieHeader, cookie);
        return session == null ? null : principalBySession.get(session);
    }

    private static String sessionOf(String cookieHeader, String cookie) {
        if (cookieHeader == null) {
            return null;
        }
        for (String pair : cookieHeader.split(";")) {
            String trimmed = pair.trim();
            if (trimmed.startsWith(cookie + "=")) {
                return trimmed.substring(cookie.length() + 1);
            }
        }
        return null;
    }

    /** The client's IP address as platform-http (Vert.x) saw it; "unknown" where another HTTP server runs the routes. */
    private static String clientAddress(Exchange exchange) {
        Object address = exchange.getMessage().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        return address instanceof SocketAddress socket ? socket.hostAddress() : "unknown";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Answers the request with the status and the reason; none of the request's headers go back. */
    private static void refuse(Exchange exchange, int status, String reason) {
        exchange.getMessage().removeHeaders("*", "Camel*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getMessage().setBody(reason);
    }

    private static JsonNode json(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }
}

package io.ucsync.http;

import io.ucsync.config.Roster;
import io.ucsync.config.RosterEntry;
import io.ucsync.presence.LogText;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the HTTP API, checked by the routes as their first step: a worker signs in with their SIP address and
 * their agent password (the roster's), gets a session cookie, and may then read and change only themselves; the
 * operator signs in to the dashboard with the operator password and may read every worker; the routing system offers
 * previews with a token of its own. State-changing requests must carry {@code X-Requested-With: ucsync}, which a page
 * of another site cannot send without asking first (CSRF), and the cookies are SameSite=Strict (and Secure over TLS).
 * Failed sign-ins are throttled per account and address ({@link SignInThrottle}). A request that may not go on is
 * refused with {@link RequestRefused}, which the API's route configuration answers.
 */
public final class ApiAccess {

    /** Where the routes find the worker a request is about: the path's {worker}, or the signed-in worker. */
    public static final String WORKER = "worker";

    static final String COOKIE = "ucsync_session";
    static final String OPERATOR_COOKIE = "ucsync_operator";
    static final String CSRF_HEADER = "X-Requested-With";
    static final String CSRF_VALUE = "ucsync";

    private static final Logger LOG = LoggerFactory.getLogger(ApiAccess.class);

    private final Supplier<Roster> roster;
    private final HttpSessions sessions;
    private final String previewApiToken;
    private final String operatorPassword;
    private final SignInThrottle throttle;
    private final Consumer<String> onSignIn;
    private final Consumer<String> onSignOut;

    /**
     * @param previewApiToken  the routing system's credential for offering previews; null or blank refuses every offer
     * @param operatorPassword the dashboard's password; null or blank refuses every operator sign-in
     * @param onSignIn         told the SIP URI of a worker who signed in
     * @param onSignOut        told the SIP URI of a worker who signed out and has no session left
     */
    public ApiAccess(
            Supplier<Roster> roster,
            HttpSessions sessions,
            String previewApiToken,
            String operatorPassword,
            Clock clock,
            Consumer<String> onSignIn,
            Consumer<String> onSignOut) {
        this.roster = roster;
        this.sessions = sessions;
        this.previewApiToken = blankToNull(previewApiToken);
        this.operatorPassword = blankToNull(operatorPassword);
        this.throttle = new SignInThrottle(clock);
        this.onSignIn = onSignIn;
        this.onSignOut = onSignOut;
    }

    /**
     * POST /api/session with {@link Credentials} in the body: a session cookie, and the worker's address in the header
     * {@value #WORKER}; 401 for an unknown address or a wrong password, 429 after too many failures.
     */
    public void signIn(Exchange exchange) throws SQLException {
        requireCsrfHeader(exchange);
        Credentials credentials = credentials(exchange);
        String sipUri = credentials.sipUri() == null ? "" : credentials.sipUri().trim();
        Optional<RosterEntry> worker = roster.get().bySipUri(sipUri);
        checkPassword(exchange, sipUri, worker.map(RosterEntry::password).orElse(null), credentials.password());
        startSession(exchange, COOKIE, sipUri);
        exchange.getMessage().setHeader(WORKER, sipUri);
        LOG.info("{} signed in to the KW page", sipUri);
        onSignIn.accept(sipUri);
    }

    /** POST /api/operator/session with {@link Credentials} (a password) in the body: the operator's session cookie. */
    public void signInOperator(Exchange exchange) throws SQLException {
        requireCsrfHeader(exchange);
        checkPassword(
                exchange,
                HttpSessions.OPERATOR,
                operatorPassword,
                credentials(exchange).password());
        startSession(exchange, OPERATOR_COOKIE, HttpSessions.OPERATOR);
        LOG.info("the operator signed in to the dashboard from {}", clientAddress(exchange));
    }

    /** GET /api/session: the signed-in worker's address in the header {@value #WORKER}; 401 without a session. */
    public void currentWorker(Exchange exchange) {
        exchange.getMessage().setHeader(WORKER, signedInWorker(exchange));
    }

    /** DELETE /api/session: ends the session; a worker who has no session left is signed out. */
    public void signOut(Exchange exchange) throws SQLException {
        requireCsrfHeader(exchange);
        Optional<String> worker = sessions.end(cookie(exchange, COOKIE));
        exchange.getMessage().setHeader("Set-Cookie", COOKIE + "=" + cookieAttributes(exchange) + "; Max-Age=0");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        exchange.getMessage().setBody(null);
        if (worker.isPresent() && !sessions.hasSession(worker.get())) {
            LOG.info("{} signed out of the KW page", worker.get());
            onSignOut.accept(worker.get());
        }
    }

    /**
     * A request about the worker in its {@value #WORKER} header (the path's): 401 without a session, 403 for another
     * worker, 403 for a change without the CSRF header.
     */
    public void authorizeWorker(Exchange exchange) {
        if (!signedInWorker(exchange).equals(exchange.getMessage().getHeader(WORKER, String.class))) {
            throw RequestRefused.forbidden("a worker can read and change only themselves");
        }
        requireCsrfHeader(exchange);
    }

    /** GET /api/operator/session, and every dashboard request: 401 without the operator's session, 403 for a change without the CSRF header. */
    public void authorizeOperator(Exchange exchange) {
        if (!isOperator(exchange.getMessage().getHeader("Cookie", String.class))) {
            throw RequestRefused.notSignedIn("the dashboard needs the operator's sign-in");
        }
        requireCsrfHeader(exchange);
    }

    /** For a request that is not a Camel exchange (the dashboard's event stream): whether its cookies carry the operator's session. */
    public boolean isOperator(String cookieHeader) {
        return sessions.principal(cookieValue(cookieHeader, OPERATOR_COOKIE))
                .filter(HttpSessions.OPERATOR::equals)
                .isPresent();
    }

    /** The routing system's requests: 401 without its credential ({@code Authorization: Bearer TOKEN}). */
    public void authorizePreviewApi(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        boolean allowed = previewApiToken != null
                && authorization != null
                && authorization.startsWith("Bearer ")
                && MessageDigest.isEqual(
                        previewApiToken.getBytes(StandardCharsets.UTF_8),
                        authorization.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8));
        if (!allowed) {
            throw RequestRefused.notSignedIn("the preview API needs the routing system's token");
        }
    }

    private String signedInWorker(Exchange exchange) {
        return sessions.principal(cookie(exchange, COOKIE))
                .filter(principal -> !principal.equals(HttpSessions.OPERATOR))
                .orElseThrow(() -> RequestRefused.notSignedIn("not signed in"));
    }

    /** Refuses a wrong password (401, or 429 after too many failures from this address, with Retry-After). */
    private void checkPassword(Exchange exchange, String account, String expected, String given) {
        String address = clientAddress(exchange);
        Optional<Duration> wait = throttle.retryAfter(account, address);
        if (wait.isPresent()) {
            LOG.warn(
                    "sign-in for '{}' from {} refused: too many failed attempts, next in {} s",
                    LogText.printable(account),
                    address,
                    wait.get().toSeconds() + 1);
            throw RequestRefused.tooManyRequests("too many failed sign-ins; try again later", wait.get());
        }
        if (expected == null
                || given == null
                || !MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            throttle.failed(account, address);
            LOG.info("sign-in refused for '{}' from {}", LogText.printable(account), address);
            throw RequestRefused.notSignedIn("unknown address or wrong password");
        }
        throttle.succeeded(account, address);
    }

    private void startSession(Exchange exchange, String cookie, String principal) throws SQLException {
        exchange.getMessage()
                .setHeader("Set-Cookie", cookie + "=" + sessions.start(principal) + cookieAttributes(exchange));
    }

    private static Credentials credentials(Exchange exchange) {
        Credentials credentials = exchange.getMessage().getBody(Credentials.class);
        if (credentials == null) {
            throw RequestRefused.badRequest("a JSON body with sipUri and password is required");
        }
        return credentials;
    }

    /**
     * A session cookie goes back only to this server, never to a script, never with another site's request, and, when
     * the page came over TLS, never over plain HTTP.
     */
    private static String cookieAttributes(Exchange exchange) {
        String url = exchange.getMessage().getHeader(Exchange.HTTP_URL, String.class);
        return "; Path=/; HttpOnly; SameSite=Strict" + (url != null && url.startsWith("https:") ? "; Secure" : "");
    }

    private static void requireCsrfHeader(Exchange exchange) {
        Message message = exchange.getMessage();
        if (!"GET".equals(message.getHeader(Exchange.HTTP_METHOD, String.class))
                && !CSRF_VALUE.equals(message.getHeader(CSRF_HEADER, String.class))) {
            throw RequestRefused.forbidden("a change needs the header " + CSRF_HEADER + ": " + CSRF_VALUE);
        }
    }

    private static String cookie(Exchange exchange, String name) {
        return cookieValue(exchange.getMessage().getHeader("Cookie", String.class), name);
    }

    private static String cookieValue(String cookieHeader, String name) {
        if (cookieHeader == null) {
            return null;
        }
        for (String pair : cookieHeader.split(";")) {
            String trimmed = pair.trim();
            if (trimmed.startsWith(name + "=")) {
                return trimmed.substring(name.length() + 1);
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
}

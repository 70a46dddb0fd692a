package io.ucsync.kw;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ucsync.worker.Roster;
import io.ucsync.worker.RosterEntry;

/**
 * Who may use the KW API: a worker signs in with their SIP address and their agent password (the roster's), gets a
 * session cookie, and may then read and change only themselves; the routing system offers previews with a token
 * of its own. State-changing requests must carry {@code X-Requested-With: ucsync}, which a page of another site
 * cannot send without asking first (CSRF), and the cookie is SameSite=Strict. Sessions live in memory: after a
 * restart workers sign in again.
 */
public final class KwAccess {

    /** Set by every check: whether the request may go on. A refused one already carries its status and reason. */
    public static final String ALLOWED = "KwAllowed";
    static final String COOKIE = "ucsync_session";
    static final String CSRF_HEADER = "X-Requested-With";
    static final String CSRF_VALUE = "ucsync";

    private static final Logger LOG = LoggerFactory.getLogger(KwAccess.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<Roster> roster;
    private final String previewApiToken;
    private final Consumer<String> onSignIn;
    private final Consumer<String> onSignOut;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> workerBySession = new ConcurrentHashMap<>();

    /**
     * @param previewApiToken the routing system's credential for offering previews; null or blank refuses every offer
     * @param onSignIn        told the SIP URI of a worker who signed in
     * @param onSignOut       told the SIP URI of a worker who signed out
     */
    public KwAccess(Supplier<Roster> roster, String previewApiToken, Consumer<String> onSignIn, Consumer<String> onSignOut) {
        this.roster = roster;
        this.previewApiToken = previewApiToken == null || previewApiToken.isBlank() ? null : previewApiToken;
        this.onSignIn = onSignIn;
        this.onSignOut = onSignOut;
    }

    /**
     * POST /api/session with a JSON body {@code {"sipUri": ..., "password": ...}}: a session cookie, and the worker's address
     * in the header {@code worker}; false (401 set on the exchange) for an unknown address or a wrong password.
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
        if (worker.isEmpty() || worker.get().password() == null
                || !MessageDigest.isEqual(worker.get().password().getBytes(StandardCharsets.UTF_8),
                        form.path("password").asText("").getBytes(StandardCharsets.UTF_8))) {
            LOG.info("KW sign-in refused for '{}'", sipUri);
            refuse(exchange, 401, "unknown address or wrong password");
            return;
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String session = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        workerBySession.put(session, sipUri);
        in.setHeader("Set-Cookie", COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Strict");
        in.setHeader("worker", sipUri);
        LOG.info("{} signed in to the KW page", sipUri);
        onSignIn.accept(sipUri);
        in.setHeader(ALLOWED, true);
    }

    /** GET /api/session: the signed-in worker's address in the header {@code worker}; false (401) without a session. */
    public void currentWorker(Exchange exchange) {
        String worker = sessionWorker(exchange);
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
        String session = sessionOf(exchange);
        String worker = session == null ? null : workerBySession.remove(session);
        exchange.getMessage().setHeader("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        exchange.getMessage().setBody("");
        if (worker != null && !workerBySession.containsValue(worker)) {
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
        String signedIn = sessionWorker(exchange);
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

    private boolean csrfHeaderPresent(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        if ("GET".equals(method) || CSRF_VALUE.equals(exchange.getMessage().getHeader(CSRF_HEADER, String.class))) {
            return true;
        }
        refuse(exchange, 403, "a change needs the header " + CSRF_HEADER + ": " + CSRF_VALUE);
        return false;
    }

    private String sessionWorker(Exchange exchange) {
        String session = sessionOf(exchange);
        return session == null ? null : workerBySession.get(session);
    }

    private static String sessionOf(Exchange exchange) {
        String cookies = exchange.getMessage().getHeader("Cookie", String.class);
        if (cookies == null) {
            return null;
        }
        for (String cookie : cookies.split(";")) {
            String trimmed = cookie.trim();
            if (trimmed.startsWith(COOKIE + "=")) {
                return trimmed.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }

    private static void refuse(Exchange exchange, int status, String reason) {
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

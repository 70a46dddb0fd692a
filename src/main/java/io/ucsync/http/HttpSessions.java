package io.ucsync.http;

import io.ucsync.state.SessionStore;
import io.ucsync.state.SessionStore.StoredSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of the KW page and the dashboard: a random token in the cookie, whose SHA-256 is kept in the state store
 * with whose session it is (a worker's SIP URI, or {@link #OPERATOR}) and when it was last used, so that sessions
 * survive a restart. A session not used for the idle timeout ({@code ucsync.kw.session-timeout}) is over: it is refused
 * when it comes back, and {@link #expireIdle()}, called every minute, ends those whose browser never comes back, telling
 * who has no session left.
 */
public final class HttpSessions {

    /** The operator's principal: no SIP URI can be it, so an operator session never passes as a worker's. */
    public static final String OPERATOR = "operator";
    /** A session's last use is saved at most this often (or a quarter of a shorter timeout): a request is milliseconds. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(HttpSessions.class);

    private final SessionStore store;
    private final Clock clock;
    private final Duration idleTimeout;
    private final SecureRandom random = new SecureRandom();
    private volatile Consumer<String> onLastSessionEnded = principal -> {};

    public HttpSessions(SessionStore store, Clock clock, Duration idleTimeout) {
        this.store = store;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
    }

    /** Told the principal whose last session ended because it was left idle (not by signing out). */
    public void setOnLastSessionEnded(Consumer<String> listener) {
        this.onLastSessionEnded = listener;
    }

    /** A new session for the principal; the token for its cookie. */
    public String start(String principal) throws SQLException {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        store.insert(hash(token), principal, clock.instant());
        return token;
    }

    /**
     * Whose session the token opens, if it is one and has not been idle too long; its use is noted. Read from the store
     * each time: in a cluster, the session may have been made, used or ended through another node.
     */
    public Optional<String> principal(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        String tokenHash = hash(token);
        StoredSession session;
        try {
            session = store.find(tokenHash).orElse(null);
        } catch (SQLException e) {
            LOG.debug("session not found: the store cannot be read: {}", e.getMessage());
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (session == null || isIdle(session, now)) {
            return Optional.empty(); // an idle one: the sweep ends it and tells whose it was
        }
        Duration touchInterval =
                TOUCH_INTERVAL.compareTo(idleTimeout.dividedBy(4)) < 0 ? TOUCH_INTERVAL : idleTimeout.dividedBy(4);
        if (Duration.between(session.lastSeen(), now).compareTo(touchInterval) > 0) {
            try {
                store.touch(tokenHash, now);
            } catch (SQLException e) {
                // the session goes on; its last use is saved with the next request after the store is back
                LOG.debug("session of {}: last use not saved: {}", session.principal(), e.getMessage());
            }
        }
        return Optional.of(session.principal());
    }

    /** Ends the token's session (signing out); whose it was, if it was one. */
    public Optional<String> end(String token) throws SQLException {
        Optional<String> principal = principal(token);
        if (principal.isPresent()) {
            store.delete(hash(token));
        }
        return principal;
    }

    /** Whether the principal has a session that is not idle (made through any node). */
    public boolean hasSession(String principal) throws SQLException {
        return store.hasSessionSeenAfter(principal, clock.instant().minus(idleTimeout));
    }

    /** The principals with a session that is not idle. */
    public Set<String> principals() throws SQLException {
        return store.principalsSeenAfter(clock.instant().minus(idleTimeout));
    }

    /**
     * Ends every session left idle for the timeout, and tells each principal that has no session left; the number ended.
     * A session the store cannot delete now is tried again next time; one that another node of a cluster ended first,
     * or that was used through another node meanwhile, is left to it.
     */
    public int expireIdle() {
        Instant idleBefore = clock.instant().minus(idleTimeout);
        int ended = 0;
        try {
            for (StoredSession session : store.idleBefore(idleBefore)) {
                if (!store.deleteIfIdle(session.tokenHash(), idleBefore)) {
                    continue;
                }
                ended++;
                if (!hasSession(session.principal())) {
                    LOG.info("the session of {} expired after {} without use", session.principal(), idleTimeout);
                    onLastSessionEnded.accept(session.principal());
                }
            }
        } catch (SQLException e) {
            LOG.debug("idle sessions not ended yet: {}", e.getMessage());
        }
        return ended;
    }

    private boolean isIdle(StoredSession session, Instant now) {
        return !session.lastSeen().plus(idleTimeout).isAfter(now);
    }

    private static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}

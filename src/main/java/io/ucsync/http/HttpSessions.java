package io.ucsync.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ucsync.state.SessionStore;
import io.ucsync.state.SessionStore.StoredSession;

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
    /** A session's last use is saved at most this often: the idle timeout is hours, a request is milliseconds. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(HttpSessions.class);

    private final SessionStore store;
    private final Clock clock;
    private final Duration idleTimeout;
    private final SecureRandom random = new SecureRandom();
    /** The sessions this node knows, by token hash; one made elsewhere is read from the store when it first comes. */
    private final Map<String, StoredSession> known = new ConcurrentHashMap<>();
    private volatile Consumer<String> onLastSessionEnded = principal -> { };

    public HttpSessions(SessionStore store, Clock clock, Duration idleTimeout) throws SQLException {
        this.store = store;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        store.all().forEach(session -> known.put(session.tokenHash(), session));
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
        StoredSession session = new StoredSession(hash(token), principal, clock.instant());
        store.insert(session.tokenHash(), principal, session.lastSeen());
        known.put(session.tokenHash(), session);
        return token;
    }

    /** Whose session the token opens, if it is one and has not been idle too long; its use is noted. */
    public Optional<String> principal(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        String tokenHash = hash(token);
        StoredSession session = known.get(tokenHash);
        if (session == null) {
            session = stored(tokenHash);
            if (session == null) {
                return Optional.empty();
            }
        }
        Instant now = clock.instant();
        if (isIdle(session, now)) {
            return Optional.empty(); // the sweep ends it and tells whose it was
        }
        if (Duration.between(session.lastSeen(), now).compareTo(TOUCH_INTERVAL) > 0) {
            StoredSession used = new StoredSession(tokenHash, session.principal(), now);
            known.put(tokenHash, used);
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
            String tokenHash = hash(token);
            store.delete(tokenHash);
            known.remove(tokenHash);
        }
        return principal;
    }

    /** Whether the principal has a session on this node that is not idle. */
    public boolean hasSession(String principal) {
        Instant now = clock.instant();
        return known.values().stream().anyMatch(session -> session.principal().equals(principal) && !isIdle(session, now));
    }

    /** The principals with a session that is not idle. */
    public Set<String> principals() {
        Instant now = clock.instant();
        return known.values().stream().filter(session -> !isIdle(session, now)).map(StoredSession::principal).collect(Collectors.toSet());
    }

    /**
     * Ends every session left idle for the timeout, and tells each principal that has no session left; the number ended.
     * A session the store cannot delete now is tried again next time.
     */
    public int expireIdle() {
        Instant now = clock.instant();
        List<StoredSession> idle = new ArrayList<>(known.values().stream().filter(session -> isIdle(session, now)).toList());
        int ended = 0;
        for (StoredSession session : idle) {
            try {
                store.delete(session.tokenHash());
            } catch (SQLException e) {
                LOG.debug("idle session of {} not ended yet: {}", session.principal(), e.getMessage());
                continue;
            }
            known.remove(session.tokenHash());
            ended++;
            if (!hasSession(session.principal())) {
                LOG.info("the session of {} expired after {} without use", session.principal(), idleTimeout);
                onLastSessionEnded.accept(session.principal());
            }
        }
        return ended;
    }

    private StoredSession stored(String tokenHash) {
        try {
            StoredSession session = store.find(tokenHash).orElse(null);
            if (session != null) {
                known.put(tokenHash, session);
            }
            return session;
        } catch (SQLException e) {
            LOG.debug("session not found: the store cannot be read: {}", e.getMessage());
            return null;
        }
    }

    private boolean isIdle(StoredSession session, Instant now) {
        return !session.lastSeen().plus(idleTimeout).isAfter(now);
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}

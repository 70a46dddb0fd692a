package io.ucsync.sip.internal;

import gov.nist.javax.sip.TransactionExt;
import io.ucsync.concurrent.Completions;
import io.ucsync.presence.LogText;
import io.ucsync.sip.SipAuthenticationException;
import io.ucsync.sip.SipPresenceException;
import io.ucsync.sip.SipRequestFailedException;
import io.ucsync.sip.SipRequestTimeoutException;
import io.ucsync.sip.SipTransportException;
import java.net.SocketException;
import java.text.ParseException;
import java.util.ListIterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.ClientTransaction;
import javax.sip.InvalidArgumentException;
import javax.sip.ObjectInUseException;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.RetryAfterHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Sends requests in JAIN-SIP client transactions and completes a future with the final response. Digest
 * challenges (401/407) are answered here, so callers see either the real answer or a
 * {@link SipAuthenticationException}; the re-sent request takes the next CSeq, which the final response carries.
 * <p>
 * What says the front-end server itself failed (the request cannot be sent, gets no answer while the server answers
 * nothing else either, or gets 503) is also reported to {@link ServerFailures}, with the generation of the server
 * the request went to, before the caller's future completes.
 */
public final class Transactions {

    /** Answers to one request: the first challenge, then one more only for a stale nonce. */
    private static final int MAX_CHALLENGES = 3;

    /** How long a completed client transaction stays in the stack's table (one JAIN-SIP timer tick). */
    private static final int COMPLETED_LINGER_MILLIS = 500;

    private record Pending(
            CompletableFuture<Response> future, Request request, int challenges, int generation, long sentNanos) {}

    /**
     * A request that got no answer while its server answered nothing else either: the server is silent, and
     * {@link ServerFailures} has heard of it.
     */
    public static final class ServerSilentException extends SipRequestTimeoutException {
        private static final long serialVersionUID = 1L;

        ServerSilentException(String method, String target) {
            super(method, target);
        }
    }

    /** A request given up because the user agent left its server or stopped; the caller hears no more of it. */
    public static final class AbandonedException extends SipTransportException {
        private static final long serialVersionUID = 1L;

        AbandonedException(String message) {
            super(message, null);
        }
    }

    private final SipProvider provider;
    private final HeaderFactory headers;
    private final DigestAuthenticator authenticator;
    private final ServerFailures serverFailures;
    private final Map<ClientTransaction, Pending> pending = new ConcurrentHashMap<>();
    /** When the last response of any request arrived: a request without an answer says little if others got one. */
    private volatile long lastAnswerNanos = System.nanoTime();

    private final int t1Millis;
    private final int timeoutMillis;

    /** {@code requestTimeoutMillis} is SIP's Timer F, 64 times T1 (the first UDP retransmission interval). */
    public Transactions(
            SipProvider provider,
            HeaderFactory headers,
            DigestAuthenticator authenticator,
            int requestTimeoutMillis,
            ServerFailures serverFailures) {
        this.provider = provider;
        this.headers = headers;
        this.authenticator = authenticator;
        this.serverFailures = serverFailures;
        this.t1Millis = requestTimeoutMillis / 64;
        this.timeoutMillis = requestTimeoutMillis;
    }

    /** Sends {@code request}; the future completes with its final response or a {@link SipPresenceException}. */
    public CompletableFuture<Response> send(Request request) {
        CompletableFuture<Response> future = new CompletableFuture<>();
        dispatch(request, future, 0, serverFailures.generation());
        return future;
    }

    /** How many requests are waiting for their final response. */
    public int inFlight() {
        return pending.size();
    }

    private void dispatch(Request request, CompletableFuture<Response> future, int challenges, int generation) {
        ClientTransaction tx = null;
        try {
            tx = provider.getNewClientTransaction(request);
            // Over UDP a completed transaction waits Timer K (T4, 5 s) for retransmitted answers, which ucsync
            // ignores anyway. Meanwhile JAIN-SIP scans every client transaction for each incoming NOTIFY (its
            // pending-SUBSCRIBE match), so after subscribing to many workers each NOTIFY would cost a scan of them.
            ((TransactionExt) tx).setTimerT4(COMPLETED_LINGER_MILLIS);
            tx.setRetransmitTimer(t1Millis);
            pending.put(tx, new Pending(future, request, challenges, generation, System.nanoTime()));
            tx.sendRequest();
        } catch (SipException | RuntimeException e) {
            if (tx != null) {
                pending.remove(tx);
            }
            String why = sendFailure(request, e);
            serverFailures.failed(generation, request.getMethod() + " cannot be sent: " + why, 0);
            future.completeExceptionally(new SipTransportException(describe(request) + " cannot be sent: " + why, e));
        }
    }

    /**
     * A response from the stack; provisional responses and responses of unknown transactions only tell that the
     * server is alive.
     */
    public void onResponse(ResponseEvent event) {
        lastAnswerNanos = System.nanoTime();
        ClientTransaction tx = event.getClientTransaction();
        Response response = event.getResponse();
        if (tx == null || response.getStatusCode() < 200) {
            return;
        }
        Pending p = pending.remove(tx);
        if (p == null) {
            return;
        }
        int status = response.getStatusCode();
        if (status == Response.SERVICE_UNAVAILABLE) {
            RetryAfterHeader retryAfter = (RetryAfterHeader) response.getHeader(RetryAfterHeader.NAME);
            int seconds = retryAfter == null ? 0 : retryAfter.getRetryAfter();
            serverFailures.failed(
                    p.generation(),
                    p.request().getMethod() + " answered 503 " + LogText.printable(response.getReasonPhrase())
                            + (seconds > 0 ? " (Retry-After " + seconds + " s)" : ""),
                    seconds);
        }
        if (status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED) {
            try {
                dispatch(withCredentials(p, response), p.future(), p.challenges() + 1, p.generation());
            } catch (SipAuthenticationException e) {
                p.future().completeExceptionally(e);
            } catch (ParseException e) {
                p.future()
                        .completeExceptionally(new SipAuthenticationException(
                                describe(p.request()) + ": cannot answer the challenge: " + e.getMessage()));
            }
            return;
        }
        p.future().complete(response);
    }

    /**
     * A transaction timeout or transport error (JAIN-SIP reports both as a timeout). It is the server's failure only
     * when the server answered nothing at all since the request was sent; a server that answers others is busy, or
     * lost this one, and the request's owner retries it.
     */
    public void onTimeout(TimeoutEvent event) {
        if (event.isServerTransaction()) {
            return;
        }
        Pending p = pending.remove(event.getClientTransaction());
        if (p == null) {
            return;
        }
        Request request = p.request();
        String target = request.getRequestURI().toString();
        if (lastAnswerNanos - p.sentNanos() > 0) {
            p.future().completeExceptionally(new SipRequestTimeoutException(request.getMethod(), target));
            return;
        }
        serverFailures.failed(
                p.generation(), request.getMethod() + " got no answer within " + timeoutMillis + " ms", 0);
        p.future().completeExceptionally(new ServerSilentException(request.getMethod(), target));
    }

    /**
     * Gives up every waiting request, when the user agent leaves its server or stops: the stack stops
     * retransmitting them and their futures fail with an {@link AbandonedException}.
     */
    public void abandonAll(String why) {
        for (ClientTransaction tx : pending.keySet()) {
            Pending p = pending.remove(tx);
            if (p != null) {
                try {
                    tx.terminate();
                } catch (ObjectInUseException e) {
                    // Terminated already; nothing more to stop.
                }
                p.future().completeExceptionally(new AbandonedException(describe(p.request()) + ": " + why));
            }
        }
    }

    private Request withCredentials(Pending p, Response challenge) throws SipAuthenticationException, ParseException {
        Request original = p.request();
        int status = challenge.getStatusCode();
        ListIterator<?> challenges = status == Response.UNAUTHORIZED
                ? challenge.getHeaders(WWWAuthenticateHeader.NAME)
                : challenge.getHeaders(ProxyAuthenticateHeader.NAME);
        if (challenges == null || !challenges.hasNext()) {
            throw new SipAuthenticationException(describe(original) + " got " + status + " without a challenge");
        }
        if (authenticator == null) {
            WWWAuthenticateHeader first = (WWWAuthenticateHeader) challenges.next();
            throw new SipAuthenticationException(describe(original) + " requires authentication (realm "
                    + LogText.printable(first.getRealm()) + ") but no authUsername is configured");
        }
        Request retry = (Request) original.clone();
        retry.removeHeader(AuthorizationHeader.NAME);
        retry.removeHeader(ProxyAuthorizationHeader.NAME);
        while (challenges.hasNext()) {
            WWWAuthenticateHeader c = (WWWAuthenticateHeader) challenges.next();
            boolean stale = "true".equalsIgnoreCase(c.getParameter("stale"));
            if (p.challenges() > 0 && (!stale || p.challenges() >= MAX_CHALLENGES - 1)) {
                throw new SipAuthenticationException(describe(original) + ": credentials of user "
                        + authenticator.username() + " rejected (" + status + " "
                        + LogText.printable(challenge.getReasonPhrase())
                        + ", realm " + LogText.printable(c.getRealm()) + ")");
            }
            retry.addHeader(authenticator.answer(headers, status, c, original.getMethod(), original.getRequestURI()));
        }
        CSeqHeader cseq = (CSeqHeader) retry.getHeader(CSeqHeader.NAME);
        try {
            cseq.setSeqNumber(cseq.getSeqNumber() + 1);
        } catch (InvalidArgumentException e) {
            throw new ParseException("CSeq " + cseq.getSeqNumber() + " cannot be incremented", 0);
        }
        // A new transaction needs a new branch; the stack assigns one when the Via has none.
        ViaHeader via = (ViaHeader) retry.getHeader(ViaHeader.NAME);
        via.removeParameter("branch");
        return retry;
    }

    /**
     * Whether a request's failure is its server's (it could not be sent, the server went silent, it answered 503, or
     * the request was given up when the agent left the server), which {@link ServerFailures} hears of, rather than
     * a failure of the request alone.
     */
    public static boolean isServerFailure(Throwable error) {
        Throwable cause = Completions.failureOf(error);
        return cause instanceof SipTransportException
                || cause instanceof ServerSilentException
                || cause instanceof SipRequestFailedException failed
                        && failed.statusCode() == Response.SERVICE_UNAVAILABLE;
    }

    static String describe(Request request) {
        return request.getMethod() + " " + request.getRequestURI();
    }

    /**
     * Why a request could not be sent, said plainly. JAIN-SIP's handshake watchdog closes a TLS socket whose handshake
     * does not finish in time, which a plain SIP port does not answer, and the handshake then fails with nothing
     * more than "Socket is closed".
     */
    private static String sendFailure(Request request, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        if (root instanceof SocketException
                && "Socket is closed".equals(root.getMessage())
                && via != null
                && "TLS".equalsIgnoreCase(via.getTransport())) {
            return "the TLS handshake did not complete in time (a plain SIP port, not TLS?)";
        }
        return rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}

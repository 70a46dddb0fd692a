package io.ucsync.sip.internal;

import io.ucsync.concurrent.Completions;
import io.ucsync.sip.SipAuthenticationException;
import io.ucsync.sip.SipServerStatus;
import java.text.ParseException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user agent's hold on its front end's servers ({@code server=host:port[,host:port...]}): which one is in use,
 * and moving to the next when it fails, as the T-Server link finds its primary.
 * <ul>
 * <li>The agent starts on the first server. A request that cannot be sent, gets no answer, or gets 503 there
 * ({@link ServerFailures}) makes the agent leave it: the {@link Session} (registration, subscriptions,
 * publications) is suspended and every request in flight given up.</li>
 * <li>Then the next servers are asked, one after the other, with OPTIONS; the first that answers (anything but 503)
 * is used and the session is made again there. After a round over the whole list without an answer the next
 * round waits, from {@code retryInitialDelay} doubling up to {@code retryMaxDelay}; a server that answered 503
 * with Retry-After is not asked again sooner. The agent goes back to an earlier server only when the one in use
 * fails, never because the earlier one is back.</li>
 * <li>With a keep-alive interval, the server in use is asked OPTIONS that often, so that a server that went away is
 * noticed while nothing else is sent.</li>
 * </ul>
 * The log has one WARN when a server becomes unreachable (naming it and why) and one INFO when the agent is up on a
 * server again, nothing per retry or per worker. Runs on the agent thread, but for {@link #failed}.
 */
public final class FrontEndLink implements ServerFailures {

    private static final Logger LOG = LoggerFactory.getLogger(FrontEndLink.class);

    /** What lives on a server and is made again on the next: the registration, the subscriptions, the publications. */
    public interface Session {
        /** The server in use failed: stop sending to it and keep what is to be made again. Agent thread. */
        void suspend();

        /** A server answers: make everything again there. Agent thread. */
        void resume();
    }

    private final String frontEnd;
    private final List<String> servers;
    private final String transport;
    private final FrontEndRouter router;
    private final ScheduledExecutorService agent;
    private final long retryInitialMillis;
    private final long retryMaxMillis;
    private final long keepAliveMillis;
    private final AtomicInteger generation = new AtomicInteger();
    private final long[] notBefore;
    /** Servers whose failure this outage has already logged. */
    private final Set<Integer> reported = new HashSet<>();

    // agent thread
    private Requests requests;
    private Transactions transactions;
    private Session session;
    private int index;
    private boolean searching;
    private boolean stopped;
    private int handledGeneration = -1;
    private int triedInRound;
    private int rounds;
    private ScheduledFuture<?> timer;
    private volatile SipServerStatus status;

    /**
     * @param servers          host:port of each server, in order; the router starts on the first
     * @param keepAliveSeconds seconds between OPTIONS to the server in use, 0 for none
     */
    public FrontEndLink(
            String frontEnd,
            List<String> servers,
            String transport,
            FrontEndRouter router,
            ScheduledExecutorService agent,
            long retryInitialMillis,
            long retryMaxMillis,
            int keepAliveSeconds) {
        this.frontEnd = frontEnd;
        this.servers = List.copyOf(servers);
        this.transport = transport.toLowerCase(Locale.ROOT);
        this.router = router;
        this.agent = agent;
        this.retryInitialMillis = retryInitialMillis;
        this.retryMaxMillis = retryMaxMillis;
        this.keepAliveMillis = keepAliveSeconds * 1000L;
        this.notBefore = new long[servers.size()];
        this.status = new SipServerStatus(servers.get(0), true, Instant.now(), null, null);
    }

    /** Starts on the first server with the session as the agent has just begun it. Agent thread. */
    public void start(Requests requests, Transactions transactions, Session session) {
        this.requests = requests;
        this.transactions = transactions;
        this.session = session;
        scheduleKeepAlive();
    }

    /** Stops asking servers. Agent thread. */
    public void stop() {
        stopped = true;
        cancelTimer();
    }

    /** Which server is in use, whether it answers, and why the agent left the one before. Any thread. */
    public SipServerStatus status() {
        return status;
    }

    @Override
    public int generation() {
        return generation.get();
    }

    @Override
    public void failed(int failedGeneration, String why, int retryAfterSeconds) {
        try {
            agent.execute(() -> guarded(() -> onFailure(failedGeneration, why, retryAfterSeconds)));
        } catch (RejectedExecutionException e) {
            // The agent stopped; nothing is to be moved.
        }
    }

    private void onFailure(int failedGeneration, String why, int retryAfterSeconds) {
        if (stopped || failedGeneration != generation.get() || failedGeneration == handledGeneration) {
            return; // a request to a server the agent has left, or a failure already acted on
        }
        handledGeneration = failedGeneration;
        String server = servers.get(index);
        if (retryAfterSeconds > 0) {
            notBefore[index] = System.currentTimeMillis() + retryAfterSeconds * 1000L;
        }
        cancelTimer();
        if (!searching) {
            searching = true;
            triedInRound = 1;
            rounds = 0;
            status = new SipServerStatus(server, false, Instant.now(), server, why);
            session.suspend();
            transactions.abandonAll("the front end's server " + server + " failed");
        }
        int next = (index + 1) % servers.size();
        long delay = 0;
        if (triedInRound >= servers.size()) {
            rounds++;
            triedInRound = 0;
            delay = SipTimers.backoffMillis(retryInitialMillis, retryMaxMillis, rounds);
        }
        delay = Math.max(delay, notBefore[next] - System.currentTimeMillis());
        if (reported.add(index)) {
            LOG.warn("front end {}: server {} unreachable ({}); {}", frontEnd, server, why, nextStep(next, delay));
        }
        index = next;
        triedInRound++;
        timer = agent.schedule(() -> guarded(this::probe), delay, TimeUnit.MILLISECONDS);
    }

    private String nextStep(int next, long delay) {
        String when = delay > 0 ? " in " + delay + " ms" : "";
        return servers.size() == 1
                ? "asking it again" + when + ", then with back-off"
                : "trying " + servers.get(next) + when;
    }

    /** Asks the server at {@link #index} whether it answers, and moves there if it does. */
    private void probe() {
        if (stopped) {
            return;
        }
        int probing = generation.incrementAndGet();
        router.moveTo(servers.get(index) + "/" + transport);
        SipServerStatus was = status;
        status = new SipServerStatus(servers.get(index), false, Instant.now(), was.previous(), was.leftBecause());
        sendOptions()
                .whenCompleteAsync(
                        (response, error) -> {
                            if (!stopped && searching && probing == generation.get() && answered(response, error)) {
                                guarded(this::up);
                            }
                        },
                        agent);
        // A failure reaches onFailure through ServerFailures, with this generation.
    }

    /** Whether the server answered: any final answer but 503, a digest challenge included. */
    private static boolean answered(Response response, Throwable error) {
        if (error == null) {
            return response.getStatusCode() != Response.SERVICE_UNAVAILABLE;
        }
        Throwable cause = Completions.failureOf(error);
        return cause instanceof SipAuthenticationException;
    }

    private void up() {
        searching = false;
        reported.clear();
        rounds = 0;
        String server = servers.get(index);
        SipServerStatus was = status;
        status = new SipServerStatus(server, true, Instant.now(), was.previous(), was.leftBecause());
        if (server.equals(was.previous())) {
            LOG.info(
                    "front end {}: server {} answers again; registering, subscribing and publishing there again",
                    frontEnd,
                    server);
        } else {
            LOG.info(
                    "front end {}: up on server {} (left {}: {}); registering, subscribing and publishing there",
                    frontEnd,
                    server,
                    was.previous(),
                    was.leftBecause());
        }
        session.resume();
        scheduleKeepAlive();
    }

    private void scheduleKeepAlive() {
        if (keepAliveMillis > 0 && !stopped) {
            timer = agent.schedule(() -> guarded(this::keepAlive), keepAliveMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** OPTIONS to the server in use; the next one is sent after its answer. A failure leaves the server. */
    private void keepAlive() {
        if (searching || stopped) {
            return;
        }
        int sentIn = generation.get();
        sendOptions()
                .whenCompleteAsync(
                        (response, error) -> {
                            if (!searching && sentIn == generation.get()) {
                                scheduleKeepAlive();
                            }
                        },
                        agent);
    }

    /** OPTIONS to the server in use, addressed to it; its answer says it is alive. */
    private CompletableFuture<Response> sendOptions() {
        try {
            Address server = requests.address("sip:" + servers.get(index));
            Request options = requests.outOfDialog(Request.OPTIONS, server.getURI(), server, null, 1);
            return transactions.send(options);
        } catch (ParseException | InvalidArgumentException e) {
            // host:port was checked by the configuration; a server it cannot address is a bug
            throw new IllegalStateException("cannot address front-end server " + servers.get(index), e);
        }
    }

    /** A task of the agent thread, whose executor would keep an unexpected failure to itself. */
    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("front end {}: moving between servers failed unexpectedly", frontEnd, e);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}

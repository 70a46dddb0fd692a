package io.ucsync.sip;

import gov.nist.javax.sip.SipStackExt;
import gov.nist.javax.sip.SipStackImpl;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceDocumentReader;
import io.ucsync.sip.internal.AgentThreads;
import io.ucsync.sip.internal.DigestAuthenticator;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.sip.internal.FrontEndLink;
import io.ucsync.sip.internal.FrontEndRouter;
import io.ucsync.sip.internal.MsPresPublisher;
import io.ucsync.sip.internal.NotificationLanes;
import io.ucsync.sip.internal.Publisher;
import io.ucsync.sip.internal.Registration;
import io.ucsync.sip.internal.Requests;
import io.ucsync.sip.internal.SimplePublisher;
import io.ucsync.sip.internal.SipStacks;
import io.ucsync.sip.internal.Subscriptions;
import io.ucsync.sip.internal.Transactions;
import java.net.InetAddress;
import java.text.ParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ucsync's SIP user agent towards one front end: its own JAIN-SIP stack, the registration, the presence
 * subscriptions of the watched workers and the publications. One agent exists per front-end name; the
 * {@link SipPresenceComponent} owns it, so routes that start and stop (or reload) do not drop subscriptions.
 * <p>
 * This is the Java API the rest of ucsync calls: {@link #watch}, {@link #unwatch} and {@link #setWatched} set
 * which workers are watched (the agent subscribes and unsubscribes to match), {@link #publish} publishes
 * presence, {@link #lastPresence} tells the last presence read for a worker. All methods are thread-safe.
 * <p>
 * Threads: besides the SIP stack's own, the agent thread (requests, timers, every change of state) and the
 * notification lanes, both from the {@link AgentThreads} the component gives, which are the CamelContext's.
 */
public final class SipPresenceAgent {

    private static final Logger LOG = LoggerFactory.getLogger(SipPresenceAgent.class);
    private static final AtomicInteger STACKS = new AtomicInteger();
    /** How long stop waits for the server to answer unsubscribes, removals and the de-registration. */
    private static final long STOP_WAIT_MILLIS = 3000;
    /** The deepest element nesting accepted in a presence document (rlmi multipart with categories needs about 8). */
    private static final int MAX_DOCUMENT_DEPTH = 32;
    /**
     * A SUBSCRIBE answered later than half of T1 (the request timeout / 64) is answered slowly: over UDP, one more
     * such wait and the request is sent again.
     */
    private static final int SLOW_ANSWER_PER_TIMEOUT = 128;

    private final String frontEnd;
    private final SipPresenceConfiguration configuration;
    private final AgentThreads executors;
    private final Map<String, Presence> lastPresence = new ConcurrentHashMap<>();
    /** Presences that arrived with no consumer attached, latest per worker; guards {@link #listener}. */
    private final Map<String, PresenceNotification> missed = new HashMap<>();

    private final Set<String> watchedWhileStopped = new LinkedHashSet<>();
    private volatile PresenceListener listener;
    /** What the stacks of earlier starts received and lost. */
    private volatile SipStackCounters countedBefore = SipStackCounters.NONE;

    // Set by start, cleared by stop; guarded by this.
    private volatile Runtime runtime;

    /** The parts that live from start to stop. */
    private record Runtime(
            SipStack stack,
            SipProvider provider,
            ListeningPoint listeningPoint,
            ScheduledExecutorService agent,
            NotificationLanes lanes,
            Transactions transactions,
            Subscriptions subscriptions,
            Registration registration,
            Publisher publisher,
            FrontEndLink link) {}

    /** {@code executors} makes the agent thread and the notification lanes on each start, and stops them. */
    SipPresenceAgent(String frontEnd, SipPresenceConfiguration configuration, AgentThreads executors) {
        this.frontEnd = frontEnd;
        this.configuration = configuration;
        this.executors = executors;
    }

    /** The front end's name (the endpoint path). */
    public String frontEnd() {
        return frontEnd;
    }

    SipPresenceConfiguration configuration() {
        return configuration;
    }

    // ---- watched workers ----

    /** Adds workers (SIP URIs) to the watched set; the agent subscribes to each one not yet subscribed. */
    public void watch(Collection<String> sipUris) {
        List<String> uris = List.copyOf(sipUris);
        onAgent(r -> r.subscriptions().watch(uris), set -> set.addAll(uris));
    }

    /** Removes workers from the watched set; the agent unsubscribes from them. */
    public void unwatch(Collection<String> sipUris) {
        List<String> uris = List.copyOf(sipUris);
        Set<String> keys = new LinkedHashSet<>();
        uris.forEach(u -> keys.add(Subscriptions.key(u)));
        onAgent(r -> r.subscriptions().unwatch(uris), set -> set.removeIf(w -> keys.contains(Subscriptions.key(w))));
    }

    /** Makes {@code sipUris} the watched set: subscribes to the new ones and unsubscribes from the others. */
    public void setWatched(Collection<String> sipUris) {
        List<String> uris = List.copyOf(sipUris);
        onAgent(r -> r.subscriptions().setWatched(uris), set -> {
            set.clear();
            set.addAll(uris);
        });
    }

    /** The watched workers, as they were given. */
    public Set<String> watched() {
        Runtime r = runtime;
        if (r != null) {
            return r.subscriptions().watched();
        }
        synchronized (watchedWhileStopped) {
            return Set.copyOf(watchedWhileStopped);
        }
    }

    /**
     * Each watched worker's subscription state: SUBSCRIBING, ACTIVE, WAITING (a retry is scheduled) or IDLE (not
     * subscribed: the agent is stopped or waits for its registration).
     */
    public Map<String, String> subscriptionStates() {
        Runtime r = runtime;
        if (r != null) {
            return r.subscriptions().states();
        }
        Map<String, String> states = new TreeMap<>();
        watched().forEach(w -> states.put(w, "IDLE"));
        return states;
    }

    /**
     * How many watched workers' subscriptions are in each state of {@link #subscriptionStates()}: what metrics, health
     * and the dashboard read every second, counted without a map of every worker.
     */
    public Map<String, Integer> subscriptionCounts() {
        Runtime r = runtime;
        if (r != null) {
            return r.subscriptions().stateCounts();
        }
        Set<String> watched = watched();
        return watched.isEmpty() ? Map.of() : Map.of("IDLE", watched.size());
    }

    /** The last presence read for a worker (by any subscription since the agent was created). */
    public Optional<Presence> lastPresence(String sipUri) {
        return Optional.ofNullable(lastPresence.get(Subscriptions.key(sipUri)));
    }

    private interface AgentTask {
        void run(Runtime runtime);
    }

    private interface StoppedTask {
        void run(Set<String> watched);
    }

    private void onAgent(AgentTask whenRunning, StoppedTask whenStopped) {
        synchronized (this) {
            Runtime r = runtime;
            if (r == null) {
                synchronized (watchedWhileStopped) {
                    whenStopped.run(watchedWhileStopped);
                }
                return;
            }
            r.agent().execute(() -> {
                try {
                    whenRunning.run(r);
                } catch (RuntimeException e) {
                    LOG.error("front end {}: changing the watched workers failed", frontEnd, e);
                }
            });
        }
    }

    // ---- publishing ----

    /**
     * Publishes presence for a worker (or removes ucsync's publication). The future completes with the server's
     * answer, or exceptionally with a {@link SipRequestFailedException} (non-2xx), {@link SipRequestTimeoutException},
     * {@link SipTransportException} or {@link SipAuthenticationException}.
     */
    public CompletableFuture<PublicationResult> publish(PresencePublication publication) {
        Runtime r = runtime;
        if (r == null) {
            return CompletableFuture.failedFuture(new SipTransportException(
                    "front end " + frontEnd + " is not started; cannot publish for " + publication.sipUri(), null));
        }
        return r.publisher().publish(publication);
    }

    /**
     * The tag of ucsync's current publication for a worker: SIMPLE, its SIP-ETag (a new one after each refresh);
     * MS-PRES, the version the next publication will carry. Empty when nothing is published.
     */
    public Optional<String> publicationTag(String sipUri) {
        Runtime r = runtime;
        return r == null ? Optional.empty() : Optional.ofNullable(r.publisher().tagOf(sipUri));
    }

    // ---- state for operators and tests ----

    public boolean isStarted() {
        return runtime != null;
    }

    /**
     * Which server of the front end the agent uses, whether it answers, and why the agent left the server before
     * (for health checks and metrics). While stopped: the first server, reachable as far as anyone knows.
     */
    public SipServerStatus serverStatus() {
        Runtime r = runtime;
        return r == null
                ? new SipServerStatus(configuration.serverList().get(0), true, null, null, null)
                : r.link().status();
    }

    /** Whether the agent is registered (always false when {@code register=false}). */
    public boolean isRegistered() {
        Runtime r = runtime;
        return r != null && r.registration() != null && r.registration().registered();
    }

    /** The local port the agent listens on, or -1 when stopped. */
    public int localPort() {
        Runtime r = runtime;
        return r == null ? -1 : r.listeningPoint().getPort();
    }

    /** Server transactions in the SIP stack's table (stays 0: notifications are answered statelessly). */
    public int stackServerTransactions() {
        Runtime r = runtime;
        return r == null ? 0 : ((SipStackImpl) r.stack()).getServerTransactionTableSize();
    }

    /** Dialogs in the SIP stack's tables (stays 0: ucsync keeps its own dialog state). */
    public int stackDialogs() {
        Runtime r = runtime;
        return r == null ? 0 : ((SipStackExt) r.stack()).getDialogs().size();
    }

    /** Dialogs ucsync keeps: one per subscription, plus ended ones for their grace period. */
    public int dialogs() {
        Runtime r = runtime;
        return r == null ? 0 : r.subscriptions().dialogCount();
    }

    /**
     * What the agent's SIP stack received, holds and lost: since the agent was created, over every start, and its
     * queue now (none while stopped). A stack that keeps up loses nothing.
     */
    public SipStackCounters stackCounters() {
        Runtime r = runtime;
        return r == null ? countedBefore : SipStackCounters.of(r.stack()).plus(countedBefore);
    }

    /** SUBSCRIBEs sent and not answered yet: never more than maxSubscribesInFlight. */
    public int subscribesInFlight() {
        Runtime r = runtime;
        return r == null ? 0 : r.subscriptions().subscribesInFlight();
    }

    /** Notifications queued for reading. */
    public int queuedNotifications() {
        Runtime r = runtime;
        return r == null ? 0 : r.lanes().queued();
    }

    // ---- the consumer ----

    /**
     * Attaches the consumer that receives presences; it first receives what arrived while none was attached
     * (the latest per worker, method {@code MISSED}).
     */
    void attach(PresenceListener consumer) {
        List<PresenceNotification> replay;
        synchronized (missed) {
            if (listener != null && listener != consumer) {
                throw new IllegalStateException(
                        "front end " + frontEnd + " already has a consumer; one route may read its presence");
            }
            listener = consumer;
            replay = List.copyOf(missed.values());
            missed.clear();
        }
        Runtime r = runtime;
        for (PresenceNotification notification : replay) {
            if (r == null) {
                consumer.onPresence(notification.asMissed());
                continue;
            }
            // On the worker's lane, behind anything already queued for it; sent only if nothing newer went
            // through meanwhile, so the replay never overtakes a later presence.
            String key = Subscriptions.key(notification.presence().sipUri());
            r.lanes().submit(notification.subscriptionId(), () -> {
                if (lastPresence.get(key) == notification.presence()) {
                    consumer.onPresence(notification.asMissed());
                }
            });
        }
    }

    void detach(PresenceListener consumer) {
        synchronized (missed) {
            if (listener == consumer) {
                listener = null;
            }
        }
    }

    /** Lane: one presence read from a notification. */
    private void deliver(String subscriptionId, Presence presence, String method, String contentType, String state) {
        String key = Subscriptions.key(presence.sipUri());
        lastPresence.put(key, presence);
        PresenceNotification notification =
                new PresenceNotification(presence, subscriptionId, method, contentType, state);
        PresenceListener consumer;
        synchronized (missed) {
            consumer = listener;
            if (consumer == null) {
                missed.put(key, notification);
                return;
            }
        }
        try {
            consumer.onPresence(notification);
        } catch (RuntimeException e) {
            LOG.error("front end {}: the consumer failed on the presence of {}", frontEnd, presence.sipUri(), e);
        }
    }

    // ---- life cycle ----

    /** Creates the SIP stack, registers if configured and subscribes to the watched workers. Idempotent. */
    synchronized void start() throws Exception {
        if (runtime != null) {
            return;
        }
        SipPresenceConfiguration c = configuration;
        List<String> servers = c.serverList();
        String transport = c.getTransport().sipName();
        SipStackSettings settings = SipStackSettings.builder("ucsync-" + frontEnd + "-" + STACKS.incrementAndGet())
                .listenerThreads(c.getListenerThreads())
                .maxMessageSize(c.stackMaxMessageSize())
                .outboundProxy(servers.get(0), transport)
                .tls(c.tlsSettings())
                .build();
        SipStack stack = settings.createStack();
        ScheduledExecutorService agent = null;
        NotificationLanes lanes = null;
        try {
            ListeningPoint lp = listen(stack, c);
            SipProvider provider = stack.createSipProvider(lp);
            String threadPrefix = "ucsync-sip-" + frontEnd;
            agent = executors.newAgentThread(threadPrefix);
            lanes = new NotificationLanes(
                    threadPrefix, c.getNotificationThreads(), c.getNotificationQueueSize(), executors);
            FrontEndLink link = new FrontEndLink(
                    frontEnd,
                    servers,
                    transport,
                    (FrontEndRouter) stack.getRouter(),
                    agent,
                    c.getRetryInitialDelay(),
                    c.getRetryMaxDelay(),
                    c.effectiveKeepAliveInterval());
            SipFactory factory = SipFactory.getInstance();
            Requests requests = new Requests(
                    factory.createAddressFactory(),
                    factory.createHeaderFactory(),
                    factory.createMessageFactory(),
                    provider,
                    lp,
                    c.getUser());
            DigestAuthenticator authenticator = c.getAuthUsername() == null
                    ? null
                    : new DigestAuthenticator(c.getAuthUsername(), c.getAuthPassword());
            Transactions transactions =
                    new Transactions(provider, requests.headers(), authenticator, c.getRequestTimeout(), link);
            Subscriptions subscriptions = new Subscriptions(
                    requests,
                    transactions,
                    provider,
                    agent,
                    lanes,
                    new PresenceDocumentReader(c.getMaxBodySize(), MAX_DOCUMENT_DEPTH),
                    this::deliver,
                    new Subscriptions.Settings(
                            c.getDialect(),
                            c.effectiveBatchSubscribe(),
                            c.effectiveBatchSize(),
                            c.getMaxSubscribesInFlight(),
                            c.getRequestTimeout() / SLOW_ANSWER_PER_TIMEOUT,
                            c.getSubscribeExpires(),
                            c.getRetryInitialDelay(),
                            c.getRetryMaxDelay(),
                            c.getMaxBodySize()));
            Publisher publisher = c.getDialect() == SipDialect.MSPRES
                    ? new MsPresPublisher(
                            requests,
                            transactions,
                            agent,
                            c.getPublishInstance(),
                            c.getPublishContainer(),
                            c.getPublishExpireType())
                    : new SimplePublisher(
                            requests,
                            transactions,
                            agent,
                            c.getPublishExpires(),
                            c.getRetryInitialDelay(),
                            c.getRetryMaxDelay());
            ScheduledExecutorService agentThread = agent;
            Registration registration = !c.isRegister()
                    ? null
                    : new Registration(
                            requests,
                            transactions,
                            agent,
                            c.getRegisterExpires(),
                            c.getRetryInitialDelay(),
                            c.getRetryMaxDelay(),
                            requests.newCallId(),
                            registered -> agentThread.execute(() -> {
                                subscriptions.setEnabled(registered);
                                publisher.resume();
                            }));
            provider.addSipListener(new Listener(transactions, subscriptions, requests, link));
            stack.start();
            Runtime r = new Runtime(
                    stack, provider, lp, agent, lanes, transactions, subscriptions, registration, publisher, link);
            List<String> initial;
            synchronized (watchedWhileStopped) {
                initial = List.copyOf(watchedWhileStopped);
                watchedWhileStopped.clear();
            }
            agent.execute(() -> {
                subscriptions.watch(initial);
                link.start(requests, transactions, new ServerSession(subscriptions, registration, publisher));
                if (registration == null) {
                    subscriptions.setEnabled(true);
                } else {
                    registration.start();
                }
            });
            runtime = r;
            LOG.info(
                    "front end {}: SIP user agent {} on {}:{}/{} towards {} ({} dialect{})",
                    frontEnd,
                    c.getUser(),
                    lp.getIPAddress(),
                    lp.getPort(),
                    lp.getTransport(),
                    String.join(", ", servers),
                    c.getDialect().name().toLowerCase(Locale.ROOT),
                    c.isRegister() ? ", registering" : "");
        } catch (Exception | Error e) {
            if (agent != null) {
                executors.stop(agent, 0);
            }
            if (lanes != null) {
                lanes.stop(0);
            }
            SipStacks.stop(stack);
            throw e;
        }
    }

    /** What the agent makes on a server and makes again on the next one when the server in use fails. */
    private record ServerSession(Subscriptions subscriptions, Registration registration, Publisher publisher)
            implements FrontEndLink.Session {

        @Override
        public void suspend() {
            subscriptions.suspend();
            if (registration != null) {
                registration.suspend();
            }
            publisher.suspend();
        }

        @Override
        public void resume() {
            if (registration == null) {
                publisher.resume();
                subscriptions.setEnabled(true);
            } else {
                // the publications and subscriptions follow once registered
                registration.resume();
            }
        }
    }

    private static ListeningPoint listen(SipStack stack, SipPresenceConfiguration c) throws Exception {
        String transport = c.getTransport().sipName();
        if (c.getLocalPort() != 0) {
            return stack.createListeningPoint(c.getLocalHost(), c.getLocalPort(), transport);
        }
        Exception last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = FreePorts.pick(InetAddress.getByName(c.getLocalHost()));
            try {
                return stack.createListeningPoint(c.getLocalHost(), port, transport);
            } catch (Exception e) {
                // Another process took the port between the check and the bind.
                last = e;
            }
        }
        throw last;
    }

    /**
     * Unsubscribes, withdraws publications and de-registers (waiting a few seconds for the answers), then stops
     * the SIP stack. The watched set is kept for the next start.
     */
    synchronized void stop() {
        Runtime r = runtime;
        if (r == null) {
            return;
        }
        Set<String> watched = r.subscriptions().watched();
        try {
            CompletableFuture<?> goodbyes = callAsync(r, () -> {
                r.link().stop();
                CompletableFuture<?> unsubscribed = r.subscriptions().closeAll();
                CompletableFuture<?> withdrawn = r.publisher().withdrawAll();
                return CompletableFuture.allOf(unsubscribed, withdrawn)
                        .handle((x, e) -> null)
                        .thenCompose(x -> r.registration() == null
                                ? CompletableFuture.completedFuture(null)
                                : callAsync(r, () -> r.registration().stop()));
            });
            goodbyes.get(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info(
                    "front end {}: stopping without all answers to the unsubscribes after {} ms",
                    frontEnd,
                    STOP_WAIT_MILLIS);
        } catch (ExecutionException e) {
            LOG.debug("front end {}: goodbye requests failed: {}", frontEnd, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            runtime = null;
            r.transactions().abandonAll("the user agent stopped");
            executors.stop(r.agent(), 0);
            r.lanes().stop(STOP_WAIT_MILLIS);
            countedBefore = SipStackCounters.of(r.stack()).plus(countedBefore).stopped();
            SipStacks.stop(r.stack());
            synchronized (watchedWhileStopped) {
                watchedWhileStopped.clear();
                watchedWhileStopped.addAll(watched);
            }
            LOG.info("front end {}: SIP user agent stopped", frontEnd);
        }
    }

    private static <T> CompletableFuture<T> callAsync(Runtime r, Callable<CompletableFuture<T>> task) {
        return CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return task.call();
                            } catch (Exception e) {
                                return CompletableFuture.<T>failedFuture(e);
                            }
                        },
                        r.agent())
                .thenCompose(f -> f);
    }

    /** Routes the stack's events: answers to the transactions, notifications to the subscriptions. */
    private final class Listener implements SipListener {
        private final Transactions transactions;
        private final Subscriptions subscriptions;
        private final Requests requests;
        private final FrontEndLink link;

        Listener(Transactions transactions, Subscriptions subscriptions, Requests requests, FrontEndLink link) {
            this.transactions = transactions;
            this.subscriptions = subscriptions;
            this.requests = requests;
            this.link = link;
        }

        @Override
        public void processRequest(RequestEvent event) {
            Request request = event.getRequest();
            switch (request.getMethod()) {
                case Request.NOTIFY, "BENOTIFY" -> subscriptions.onNotify(event);
                case Request.OPTIONS -> respond(event, Response.OK);
                case Request.ACK -> {
                    // Nothing to do: ucsync accepts no INVITE.
                }
                default -> respond(event, Response.METHOD_NOT_ALLOWED);
            }
        }

        private void respond(RequestEvent event, int status) {
            try {
                Response response = requests.messages().createResponse(status, event.getRequest());
                response.addHeader(requests.headers().createAllowHeader("NOTIFY, BENOTIFY, OPTIONS"));
                ((SipProvider) event.getSource()).sendResponse(response);
            } catch (ParseException | SipException e) {
                LOG.debug("cannot answer {}: {}", event.getRequest().getMethod(), e.getMessage());
            }
        }

        @Override
        public void processResponse(ResponseEvent event) {
            transactions.onResponse(event);
        }

        @Override
        public void processTimeout(TimeoutEvent event) {
            transactions.onTimeout(event);
        }

        /** The stack could not send to a peer (a connection that broke while a retransmission was due, say). */
        @Override
        public void processIOException(IOExceptionEvent event) {
            String peer = event.getHost() + ":" + event.getPort();
            LOG.debug("front end {}: I/O error towards {}/{}", frontEnd, peer, event.getTransport());
            if (peer.equals(link.status().server())) {
                link.failed(link.generation(), "I/O error towards it over " + event.getTransport(), 0);
            }
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent event) {
            // Transactions end by themselves; nothing is kept per transaction once answered.
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent event) {
            // The stack keeps no dialogs (automatic dialog support is off).
        }
    }
}

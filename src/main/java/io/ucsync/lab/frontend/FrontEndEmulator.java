package io.ucsync.lab.frontend;

import io.ucsync.lab.control.LineControlServer;
import io.ucsync.presence.MsPresCategoriesDocument.StateInstance;
import io.ucsync.presence.PresenceSource;
import io.ucsync.sip.SipStackCounters;
import io.ucsync.sip.SipStackSettings;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.sip.internal.SipStacks;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UC front end speaking the MS-PRES dialect of Lync / Skype for Business, on 127.0.0.1.
 * <ul>
 * <li>REGISTER is answered 200.</li>
 * <li>A SUBSCRIBE to one worker's presence (To = the worker), or a batched one (To = the subscriber itself, the
 * workers in the body's adhocList), is answered 200 with the first document piggybacked when the subscriber
 * supports {@code ms-piggyback-first-notify} (a categories document, or for a batch {@code multipart/related}
 * with an rlmi root), else followed by a NOTIFY carrying it. Every later change goes as BENOTIFY to subscribers
 * that support {@code ms-benotify}, else as NOTIFY. Refreshes in the dialog extend a subscription,
 * {@code Expires: 0} ends it, and one not refreshed in time ends with {@code Subscription-State: terminated}.
 * A batch that names more workers than the configured limit (1,000 by default), or whose first notification would
 * not fit in a UDP datagram, is refused with 413.</li>
 * <li>SERVICE category publications are kept per worker, container and instance with MS-PRES versions (a stale
 * version gets 409 with the current one), and aggregated: while ucsync has a publication for a worker, watchers
 * see it; when it is removed, the worker's own presence shows again.</li>
 * </ul>
 * Every body is read by ucsync's hardened readers; an unreadable one gets 400 with the reason. Everything is
 * answered statelessly and the stack keeps no dialogs; only a NOTIFY goes in a client transaction, so that it is sent
 * again until answered, as a presence server does. One lock orders the state and what goes out.
 * <p>
 * This class is the emulator's Java API and lifecycle; {@link SipRequestHandler} answers SIP requests,
 * {@link Watchers} holds the subscriptions, {@link Notifications} says what watchers see and
 * {@link WorkerPresences} what each worker shows.
 */
public final class FrontEndEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FrontEndEmulator.class);
    private static final int BIND_ATTEMPTS = 5;

    /** A worker's own presence, as the control command or the API set it. */
    public record OwnPresence(int availability, String activity, PresenceSource source) {}

    /** What ucsync published for a worker in one container and instance, and the version the front end now holds. */
    public record Publication(
            String sipUri, int container, long instance, long version, int availability, String activity) {}

    /** A subscription as the front end holds it: who watches whom (a batch shows one entry per watched worker). */
    public record SubscriptionInfo(String watcher, String target, Instant expires) {}

    /**
     * What the front end serves: live subscription dialogs, the workers they watch (a batch of three counts three),
     * and what its SIP stack received and lost.
     */
    public record Stats(int subscriptions, int watched, SipStackCounters stack) {}

    private final FrontEndEmulatorConfig config;
    private final SipStack stack;
    private final ListeningPoint listeningPoint;
    private final LineControlServer controlServer;
    private final ScheduledExecutorService expiry;
    /** The one lock of the front end: it guards the presences and subscriptions and orders what goes out. */
    private final Object lock = new Object();

    private final WorkerPresences presences = new WorkerPresences();
    private final Watchers watchers;
    private final SipRequestHandler handler;

    private FrontEndEmulator(FrontEndEmulatorConfig config) throws Exception {
        this.config = config;
        SipFactory factory = SipFactory.getInstance();
        AddressFactory addresses = factory.createAddressFactory();
        HeaderFactory headers = factory.createHeaderFactory();
        MessageFactory messages = factory.createMessageFactory();
        SipStackSettings.Builder settings = SipStackSettings.builder("ucsync-frontend-emulator-" + UUID.randomUUID())
                .automaticDialogSupport(false)
                .listenerThreads(1);
        if (config.tls() != null) {
            settings.tls(config.tls());
        }
        stack = settings.build().createStack();
        listeningPoint = listen(config);
        SipProvider provider = stack.createSipProvider(listeningPoint);
        Notifications notifications =
                new Notifications(presences, provider, addresses, headers, messages, config.transport(), port());
        watchers = new Watchers(notifications);
        Responder responder = new Responder(provider, messages);
        SubscribeRequests subscriptions =
                new SubscribeRequests(config, watchers, notifications, responder, addresses, headers, port());
        handler = new SipRequestHandler(lock, presences, watchers, subscriptions, responder, headers);
        provider.addSipListener(handler);
        stack.start();
        expiry = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "frontend-emulator-expiry");
            thread.setDaemon(true);
            return thread;
        });
        expiry.scheduleWithFixedDelay(this::endExpiredSubscriptions, 1, 1, TimeUnit.SECONDS);
        controlServer = config.controlPort() < 0
                ? null
                : LineControlServer.start(config.controlPort(), words -> ControlCommands.run(this, words));
        LOG.info(
                "UC front-end emulator (MS-PRES) listening on 127.0.0.1:{}/{}{}",
                port(),
                config.transport(),
                controlServer == null ? "" : ", control port " + controlServer.port());
    }

    /** JAIN-SIP refuses port 0, so a free port is picked; another process may take it first, then another is tried. */
    private ListeningPoint listen(FrontEndEmulatorConfig config) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int port = config.port() != 0 ? config.port() : FreePorts.pick(InetAddress.getLoopbackAddress());
            try {
                return stack.createListeningPoint("127.0.0.1", port, config.transport());
            } catch (Exception e) {
                if (config.port() != 0 || attempt == BIND_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Binds and starts.
     *
     * @throws IllegalStateException when the SIP or control port cannot be bound (the message says which and why)
     */
    public static FrontEndEmulator start(FrontEndEmulatorConfig config) {
        try {
            return new FrontEndEmulator(config);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot start the UC front-end emulator on 127.0.0.1:" + config.port() + "/" + config.transport()
                            + ": " + e.getMessage(),
                    e);
        }
    }

    public int port() {
        return listeningPoint.getPort();
    }

    /** The control port, or -1 when none was asked for. */
    public int controlPort() {
        return controlServer == null ? -1 : controlServer.port();
    }

    /** udp, tcp or tls. */
    public String transport() {
        return config.transport();
    }

    // ---- the API (and the control commands) ----

    /**
     * Sets a worker's own presence; every watcher of the worker is told what now shows (which stays ucsync's
     * publication while there is one).
     *
     * @param availability the MS-PRES availability number, e.g. 3500 (Online), 6500 (Busy), 15500 (Away)
     * @param activity     an activity token such as {@code in-a-meeting}, or null
     * @param source       which state type carries it: user, machine, calendar or phone state
     */
    public void presence(String sipUri, int availability, String activity, PresenceSource source) {
        if (availability < 0) {
            throw new IllegalArgumentException("availability is an MS-PRES number such as 3500, not " + availability);
        }
        // checked before it is kept, so that a bad value is refused here rather than in every later notification
        new StateInstance(WorkerPresences.stateType(source), availability, activity, 0, Instant.now());
        synchronized (lock) {
            presences.setOwn(sipUri, new OwnPresence(availability, activity, source));
            watchers.notifyWatchers(sipUri);
        }
    }

    /** The worker's own presence (not what ucsync publishes), or null when none was set. */
    public OwnPresence ownPresence(String sipUri) {
        synchronized (lock) {
            return presences.own(sipUri);
        }
    }

    /** Every live subscription, one entry per watched worker (a batch of three shows three). */
    public List<SubscriptionInfo> subscriptions() {
        synchronized (lock) {
            return watchers.list();
        }
    }

    /** {@link Stats}: cheap enough to poll while many subscribe. */
    public Stats stats() {
        Watchers.LiveCount live;
        synchronized (lock) {
            live = watchers.liveCount();
        }
        return new Stats(live.dialogs(), live.watched(), SipStackCounters.of(stack));
    }

    /** What ucsync has published for a worker, oldest first. */
    public List<Publication> publications(String sipUri) {
        synchronized (lock) {
            return presences.publications(sipUri);
        }
    }

    /**
     * Answers every request 503 Service Unavailable from now on, as a front end in maintenance or overloaded does, with
     * {@code Retry-After: retryAfterSeconds} when it is positive; {@link #available()} ends it. Subscriptions and
     * publications are kept, as a front end that only refuses new work keeps them.
     */
    public void unavailable(int retryAfterSeconds) {
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException(
                    "Retry-After is 0 (none) or a number of seconds, not " + retryAfterSeconds);
        }
        handler.unavailable(retryAfterSeconds);
        LOG.info(
                "answering every request 503{}", retryAfterSeconds > 0 ? " with Retry-After " + retryAfterSeconds : "");
    }

    /** Ends {@link #unavailable}: requests are served again. */
    public void available() {
        handler.available();
        LOG.info("serving requests again");
    }

    /** Ends every subscription with a terminating notification, as a front-end restart would; returns how many. */
    public int dropSubscriptions() {
        int dropped;
        synchronized (lock) {
            dropped = watchers.dropAll();
        }
        LOG.info("dropped {} subscriptions", dropped);
        return dropped;
    }

    @Override
    public void close() {
        expiry.shutdownNow();
        if (controlServer != null) {
            controlServer.close();
        }
        SipStacks.stop(stack);
    }

    private void endExpiredSubscriptions() {
        synchronized (lock) {
            watchers.endExpired();
        }
    }
}

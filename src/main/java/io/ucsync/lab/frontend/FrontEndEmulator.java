package io.ucsync.lab.frontend;

import gov.nist.javax.sip.message.SIPMessage;
import io.ucsync.lab.control.LineControlServer;
import io.ucsync.presence.LogText;
import io.ucsync.presence.MsPresBatchSubscribeDocument;
import io.ucsync.presence.MsPresCategoriesDocument;
import io.ucsync.presence.MsPresCategoriesDocument.StateInstance;
import io.ucsync.presence.MsPresFault;
import io.ucsync.presence.MsPresPublishDocument;
import io.ucsync.presence.PresenceDocumentException;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.StatePublication;
import io.ucsync.sip.SipStackCounters;
import io.ucsync.sip.SipStackSettings;
import io.ucsync.sip.internal.FreePorts;
import io.ucsync.sip.internal.SipStacks;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
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
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
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
 * answered and sent statelessly, so the stack keeps no transactions or dialogs; one lock orders the state and
 * what goes out.
 */
public final class FrontEndEmulator implements AutoCloseable, SipListener {

    private static final Logger LOG = LoggerFactory.getLogger(FrontEndEmulator.class);
    private static final int MAX_EXPIRES = 3600;
    private static final int OFFLINE = 18500;
    private static final String EVENT_PRESENCE = "presence";
    private static final String BENOTIFY = "BENOTIFY";
    private static final String SERVICE = "SERVICE";
    private static final String STATE_CATEGORY = "state";
    private static final int CONFLICT = 409;
    private static final int BIND_ATTEMPTS = 5;
    /** The largest body sent over UDP: a datagram holds 65,507 bytes, and the headers take up to 1,500 of them. */
    private static final int UDP_BODY_LIMIT = 65_507 - 1_500;

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

    /** A body and its Content-Type header value. */
    private record Content(String contentType, String body) {}

    private static final class Subscription {
        final String callId;
        final Address watcher;
        final String watcherTag;
        /** The To of the SUBSCRIBE: the watched worker, or the watcher itself for a batch. */
        final Address target;

        final String targetTag = Long.toHexString(UUID.randomUUID().getMostSignificantBits());
        final URI remoteTarget;
        /**
         * On TCP and TLS, the connection the subscriber's last SUBSCRIBE came on, as a loose route: notifications
         * reuse it, as Lync does, so that a subscriber that cannot accept connections (a TLS client without a
         * certificate) still gets them. Null on UDP.
         */
        SipURI flow;

        final boolean benotify;
        final boolean batch;
        /** Keys of the watched workers; a refreshed batch may name others. */
        List<String> workers;
        /** Each worker's URI as the subscriber wrote it, which its notifications must name. */
        final Map<String, String> uris = new HashMap<>();

        long cseq;
        long rlmiVersion;
        Instant expires;

        Subscription(
                String callId,
                Address watcher,
                String watcherTag,
                Address target,
                URI remoteTarget,
                boolean benotify,
                boolean batch) {
            this.callId = callId;
            this.watcher = watcher;
            this.watcherTag = watcherTag;
            this.target = target;
            this.remoteTarget = remoteTarget;
            this.benotify = benotify;
            this.batch = batch;
        }
    }

    private final FrontEndEmulatorConfig config;
    private final SipStack stack;
    private final SipProvider provider;
    private final ListeningPoint listeningPoint;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final LineControlServer controlServer;
    private final ScheduledExecutorService expiry;
    private final AtomicLong instances = new AtomicLong(1);
    /** -1: serving; else every request is answered 503, with this Retry-After when positive. */
    private volatile int unavailableSeconds = -1;

    // guarded by this; maps are keyed by key(uri)
    private final Map<String, OwnPresence> own = new HashMap<>();
    private final Map<String, List<Publication>> publications = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    /** The subscriptions watching each worker, so that a change reaches its watchers without a search. */
    private final Map<String, Map<String, Subscription>> subscriptionsByWorker = new HashMap<>();

    private FrontEndEmulator(FrontEndEmulatorConfig config) throws Exception {
        this.config = config;
        SipFactory factory = SipFactory.getInstance();
        addresses = factory.createAddressFactory();
        headers = factory.createHeaderFactory();
        messages = factory.createMessageFactory();
        SipStackSettings.Builder settings = SipStackSettings.builder("ucsync-frontend-emulator-" + UUID.randomUUID())
                .automaticDialogSupport(false)
                .listenerThreads(1);
        if (config.tls() != null) {
            settings.tls(config.tls());
        }
        stack = settings.build().createStack();
        listeningPoint = listen(config);
        provider = stack.createSipProvider(listeningPoint);
        provider.addSipListener(this);
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
    public synchronized void presence(String sipUri, int availability, String activity, PresenceSource source) {
        if (availability < 0) {
            throw new IllegalArgumentException("availability is an MS-PRES number such as 3500, not " + availability);
        }
        // checked before it is kept, so that a bad value is refused here rather than in every later notification
        new StateInstance(stateType(source), availability, activity, 0, Instant.now());
        own.put(key(sipUri), new OwnPresence(availability, activity, source));
        notifyWatchers(sipUri);
    }

    /** The worker's own presence (not what ucsync publishes), or null when none was set. */
    public synchronized OwnPresence ownPresence(String sipUri) {
        return own.get(key(sipUri));
    }

    /** Every live subscription, one entry per watched worker (a batch of three shows three). */
    public synchronized List<SubscriptionInfo> subscriptions() {
        Instant now = Instant.now();
        List<SubscriptionInfo> list = new ArrayList<>();
        for (Subscription subscription : subscriptions.values()) {
            if (subscription.expires.isAfter(now)) {
                for (String worker : subscription.workers) {
                    list.add(new SubscriptionInfo(
                            subscription.watcher.getURI().toString(),
                            subscription.uris.get(worker),
                            subscription.expires));
                }
            }
        }
        return list;
    }

    /** {@link Stats}: cheap enough to poll while many subscribe. */
    public Stats stats() {
        int dialogs = 0;
        int watched = 0;
        synchronized (this) {
            Instant now = Instant.now();
            for (Subscription subscription : subscriptions.values()) {
                if (subscription.expires.isAfter(now)) {
                    dialogs++;
                    watched += subscription.workers.size();
                }
            }
        }
        return new Stats(dialogs, watched, SipStackCounters.of(stack));
    }

    /** What ucsync has published for a worker, oldest first. */
    public synchronized List<Publication> publications(String sipUri) {
        return List.copyOf(publications.getOrDefault(key(sipUri), List.of()));
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
        unavailableSeconds = retryAfterSeconds;
        LOG.info(
                "answering every request 503{}", retryAfterSeconds > 0 ? " with Retry-After " + retryAfterSeconds : "");
    }

    /** Ends {@link #unavailable}: requests are served again. */
    public void available() {
        unavailableSeconds = -1;
        LOG.info("serving requests again");
    }

    /** Ends every subscription with a terminating notification, as a front-end restart would; returns how many. */
    public synchronized int dropSubscriptions() {
        int dropped = subscriptions.size();
        for (Subscription subscription : subscriptions.values()) {
            send(subscription, "terminated;reason=deactivated", null);
        }
        subscriptions.clear();
        subscriptionsByWorker.clear();
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

    // ---- SIP ----

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        try {
            int unavailableFor = unavailableSeconds;
            if (unavailableFor >= 0
                    && !Request.ACK.equals(request.getMethod())
                    && !BENOTIFY.equals(request.getMethod())) {
                respond(
                        request,
                        Response.SERVICE_UNAVAILABLE,
                        unavailableFor == 0
                                ? null
                                : response -> response.addHeader(headers.createRetryAfterHeader(unavailableFor)));
                return;
            }
            switch (request.getMethod()) {
                case Request.REGISTER -> register(request);
                case Request.SUBSCRIBE -> subscribe(request);
                case SERVICE -> service(request);
                case Request.OPTIONS -> respond(request, Response.OK, response -> response.addHeader(allow()));
                // the front end subscribes to nothing, so a NOTIFY is outside any subscription (RFC 6665 4.1.3)
                case Request.NOTIFY ->
                    respond(
                            request,
                            Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST,
                            response -> response.setReasonPhrase("Subscription does not exist"));
                case Request.ACK, BENOTIFY -> {
                    // an ACK confirms nothing that was answered here; a BENOTIFY is never answered (MS-SIP)
                }
                default -> respond(request, Response.METHOD_NOT_ALLOWED, response -> response.addHeader(allow()));
            }
        } catch (SipException e) {
            // the peer's connection went away before the answer: nothing for the front end to do
            LOG.debug(
                    "{} from {}: the answer could not be sent: {}",
                    request.getMethod(),
                    sender(request),
                    e.getMessage());
        } catch (ParseException | InvalidArgumentException | RuntimeException e) {
            LOG.warn(
                    "{} from {} not handled: {}",
                    request.getMethod(),
                    sender(request),
                    LogText.printable(e.toString()));
        }
    }

    /** The methods the front end takes (RFC 3261 20.5), for OPTIONS and 405 answers. */
    private Header allow() throws ParseException {
        return headers.createAllowHeader("REGISTER, SUBSCRIBE, SERVICE, OPTIONS, NOTIFY");
    }

    private void register(Request request) throws SipException, ParseException, InvalidArgumentException {
        respond(request, Response.OK, response -> {
            ExpiresHeader expires = request.getExpires();
            response.addHeader(headers.createExpiresHeader(
                    expires == null ? MAX_EXPIRES : Math.min(expires.getExpires(), MAX_EXPIRES)));
            ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
            if (contact != null) {
                response.addHeader(contact);
            }
        });
    }

    private synchronized void subscribe(Request request) throws SipException, ParseException, InvalidArgumentException {
        Header eventHeader = request.getHeader("Event");
        if (eventHeader == null || !value(eventHeader).toLowerCase(Locale.ROOT).startsWith(EVENT_PRESENCE)) {
            respond(
                    request,
                    Response.BAD_EVENT,
                    response -> response.addHeader(headers.createHeader("Allow-Events", EVENT_PRESENCE)));
            return;
        }
        List<String> listed = null;
        if (request.getRawContent() != null && request.getRawContent().length > 0) {
            if (!MsPresBatchSubscribeDocument.CONTENT_TYPE.equals(mediaType(request))) {
                refuse(
                        request,
                        Response.UNSUPPORTED_MEDIA_TYPE,
                        "SUBSCRIBE body must be " + MsPresBatchSubscribeDocument.CONTENT_TYPE + ", not "
                                + mediaType(request));
                return;
            }
            try {
                listed = MsPresBatchSubscribeDocument.resources(request.getRawContent());
            } catch (PresenceDocumentException e) {
                refuse(request, Response.BAD_REQUEST, "Unreadable adhocList: " + e.reason());
                return;
            }
            if (listed.size() > config.maxBatch()) {
                refuse(
                        request,
                        Response.REQUEST_ENTITY_TOO_LARGE,
                        "A batch names at most " + config.maxBatch() + " workers, not " + listed.size());
                return;
            }
        }
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        // MS-PRES addresses a batched subscription to the subscriber's own URI, the workers being in the adhocList
        boolean batch = key(to.getAddress().getURI().toString())
                .equals(key(from.getAddress().getURI().toString()));
        if (batch && listed == null) {
            refuse(
                    request,
                    Response.BAD_REQUEST,
                    "A subscription to oneself is a batch and needs an adhocList ("
                            + MsPresBatchSubscribeDocument.CONTENT_TYPE + ")");
            return;
        }
        ExpiresHeader expiresHeader = request.getExpires();
        int expires = expiresHeader == null ? MAX_EXPIRES : Math.min(expiresHeader.getExpires(), MAX_EXPIRES);
        Subscription subscription = subscriptions.get(callId);
        if (to.getTag() != null && (subscription == null || !subscription.targetTag.equals(to.getTag()))) {
            // not a fault of the subscriber: the subscription ended here (expired, dropped) before its refresh came
            LOG.info(
                    "SUBSCRIBE from {} in an unknown dialog (Call-ID {}) answered 481",
                    sender(request),
                    LogText.printable(callId));
            respond(
                    request,
                    Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST,
                    response -> response.setReasonPhrase("Subscription does not exist"));
            return;
        }
        boolean initial = subscription == null;
        if (initial) {
            ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
            if (contact == null) {
                refuse(request, Response.BAD_REQUEST, "Contact missing");
                return;
            }
            subscription = new Subscription(
                    callId,
                    from.getAddress(),
                    from.getTag(),
                    to.getAddress(),
                    contact.getAddress().getURI(),
                    mentions(request, "ms-benotify"),
                    batch);
        }
        subscription.flow = flowOf(request);
        if (initial || subscription.batch && listed != null) {
            watch(
                    subscription,
                    batch ? listed : List.of(to.getAddress().getURI().toString()));
        }
        // a retransmitted initial SUBSCRIBE (no To tag) is answered like the first one
        boolean first = to.getTag() == null && expires > 0;
        Content firstNotification = first ? fullState(subscription) : null;
        if (firstNotification != null
                && "udp".equals(config.transport())
                && firstNotification.body().length() > UDP_BODY_LIMIT) {
            if (initial) {
                unindex(subscription);
            }
            refuse(
                    request,
                    Response.REQUEST_ENTITY_TOO_LARGE,
                    "The first notification of " + subscription.workers.size()
                            + " workers would not fit in a UDP datagram; a smaller batch, or TCP");
            return;
        }
        subscription.expires = Instant.now().plusSeconds(expires);
        subscriptions.put(callId, subscription);
        if (expires == 0) {
            forget(callId);
        }
        Subscription answered = subscription;
        boolean piggyback = first && mentions(request, "ms-piggyback-first-notify");
        respond(request, Response.OK, response -> {
            ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(answered.targetTag);
            response.addHeader(headers.createExpiresHeader(expires));
            response.addHeader(headers.createContactHeader(
                    addresses.createAddress(addresses.createSipURI(null, "127.0.0.1:" + port()))));
            if (answered.benotify) {
                response.addHeader(headers.createHeader("Supported", "ms-benotify"));
            }
            if (answered.batch) {
                response.addHeader(headers.createHeader("Require", "eventlist"));
            }
            if (piggyback) {
                setContent(response, firstNotification);
            }
        });
        if (first && !piggyback) {
            send(subscription, "active;expires=" + expires, firstNotification);
        }
    }

    /** Sets the workers a subscription watches and indexes it under each. */
    private void watch(Subscription subscription, List<String> uris) {
        unindex(subscription);
        subscription.uris.clear();
        List<String> workers = new ArrayList<>(uris.size());
        for (String uri : uris) {
            workers.add(key(uri));
            subscription.uris.put(key(uri), uri);
        }
        subscription.workers = workers;
        for (String worker : workers) {
            subscriptionsByWorker
                    .computeIfAbsent(worker, w -> new LinkedHashMap<>())
                    .put(subscription.callId, subscription);
        }
    }

    private void unindex(Subscription subscription) {
        if (subscription.workers == null) {
            return;
        }
        for (String worker : subscription.workers) {
            Map<String, Subscription> watchers = subscriptionsByWorker.get(worker);
            if (watchers != null) {
                watchers.remove(subscription.callId);
                if (watchers.isEmpty()) {
                    subscriptionsByWorker.remove(worker);
                }
            }
        }
    }

    private synchronized void service(Request request) throws SipException, ParseException, InvalidArgumentException {
        if (!MsPresPublishDocument.CONTENT_TYPE.equals(mediaType(request))) {
            refuse(
                    request,
                    Response.UNSUPPORTED_MEDIA_TYPE,
                    "SERVICE body must be " + MsPresPublishDocument.CONTENT_TYPE + ", not " + mediaType(request));
            return;
        }
        List<StatePublication> published;
        try {
            published =
                    MsPresPublishDocument.read(request.getRawContent() == null ? new byte[0] : request.getRawContent());
        } catch (PresenceDocumentException e) {
            refuse(request, Response.BAD_REQUEST, "Unreadable publication: " + e.reason());
            return;
        }
        // the state category is the one presence shows; Lync takes the others (note, contactCard) without effect here
        List<StatePublication> states = published.stream()
                .filter(p -> STATE_CATEGORY.equals(p.categoryName()))
                .toList();
        for (StatePublication publication : states) {
            long current = versions.getOrDefault(versionKey(publication), 0L);
            if (publication.version() != current) {
                LOG.info(
                        "SERVICE for {} refused (409): version {} of container {} instance {} is stale, the current one is {}",
                        LogText.printable(publication.sipUri()),
                        publication.version(),
                        publication.container(),
                        Integer.toUnsignedLong(publication.instance()),
                        current);
                respond(
                        request,
                        CONFLICT,
                        response -> setContent(
                                response, new Content(MsPresFault.CONTENT_TYPE, MsPresFault.wrongVersion(current))));
                return;
            }
        }
        List<String> changed = new ArrayList<>();
        for (StatePublication publication : states) {
            long version = versions.merge(versionKey(publication), 1L, Long::sum);
            long instance = Integer.toUnsignedLong(publication.instance());
            List<Publication> ofWorker =
                    publications.computeIfAbsent(key(publication.sipUri()), uri -> new ArrayList<>());
            ofWorker.removeIf(p -> p.container() == publication.container() && p.instance() == instance);
            if (!publication.isRemoval() && publication.availability() != null) {
                ofWorker.add(new Publication(
                        publication.sipUri(),
                        publication.container(),
                        instance,
                        version,
                        publication.availability(),
                        publication.activityToken()));
            }
            if (ofWorker.isEmpty()) {
                publications.remove(key(publication.sipUri()));
            }
            changed.add(publication.sipUri());
        }
        respond(request, Response.OK, null);
        changed.stream().distinct().forEach(this::notifyWatchers);
    }

    private static String versionKey(StatePublication publication) {
        return key(publication.sipUri()) + "|" + publication.container() + "|"
                + Integer.toUnsignedLong(publication.instance());
    }

    @Override
    public synchronized void processResponse(ResponseEvent event) {
        Response response = event.getResponse();
        int status = response.getStatusCode();
        // a watcher that answers a NOTIFY with an error (481: it knows no such subscription) no longer wants it
        if (status >= 400 && status != Response.REQUEST_TIMEOUT) {
            String callId = ((CallIdHeader) response.getHeader(CallIdHeader.NAME)).getCallId();
            if (forget(callId)) {
                LOG.info(
                        "subscription {} ended: the watcher answered {} to a notification",
                        LogText.printable(callId),
                        status);
            }
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        // stateless: nothing times out
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        LOG.debug("cannot reach {}:{}/{}", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        // stateless: no transactions
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        // stateless: no dialogs
    }

    // ---- what watchers see ----

    /** Tells every subscription watching the worker what the worker now shows. */
    private void notifyWatchers(String sipUri) {
        Map<String, Subscription> watchers = subscriptionsByWorker.getOrDefault(key(sipUri), Map.of());
        Instant now = Instant.now();
        for (Subscription subscription : List.copyOf(watchers.values())) {
            if (!subscription.expires.isAfter(now)) {
                continue;
            }
            Content content = subscription.batch
                    ? batch(subscription, List.of(key(sipUri)), false)
                    : new Content(MsPresCategoriesDocument.CONTENT_TYPE, document(subscription.uris.get(key(sipUri))));
            send(
                    subscription,
                    "active;expires=" + Math.max(1, subscription.expires.getEpochSecond() - now.getEpochSecond()),
                    content);
        }
    }

    /** Everything a subscription watches: its first notification. */
    private Content fullState(Subscription subscription) {
        if (subscription.batch) {
            return batch(subscription, subscription.workers, true);
        }
        return new Content(
                MsPresCategoriesDocument.CONTENT_TYPE, document(subscription.uris.get(subscription.workers.get(0))));
    }

    private Content batch(Subscription subscription, List<String> workers, boolean fullState) {
        Map<String, List<StateInstance>> states = new LinkedHashMap<>();
        for (String worker : workers) {
            states.put(subscription.uris.get(worker), List.of(shown(worker)));
        }
        MsPresCategoriesDocument.Multipart multipart = MsPresCategoriesDocument.writeBatch(
                subscription.watcher.getURI().toString(), subscription.rlmiVersion++, fullState, states);
        return new Content(multipart.contentType(), multipart.body());
    }

    /** The categories document of what a worker shows, naming the worker as the subscriber wrote the URI. */
    private String document(String sipUri) {
        return MsPresCategoriesDocument.write(sipUri, List.of(shown(key(sipUri))));
    }

    /**
     * The aggregation rule: ucsync's newest publication while it has one (as Lync shows a phone state over a user
     * state), else the worker's own presence (Offline when none was ever set).
     */
    private StateInstance shown(String worker) {
        List<Publication> published = publications.getOrDefault(worker, List.of());
        if (!published.isEmpty()) {
            Publication shown = published.get(published.size() - 1);
            return new StateInstance(
                    "aggregateState",
                    shown.availability(),
                    shown.activity(),
                    instances.getAndIncrement(),
                    Instant.now());
        }
        OwnPresence presence = own.getOrDefault(worker, new OwnPresence(OFFLINE, null, PresenceSource.AGGREGATE));
        return new StateInstance(
                stateType(presence.source()),
                presence.availability(),
                presence.activity(),
                instances.getAndIncrement(),
                Instant.now());
    }

    private static String stateType(PresenceSource source) {
        return switch (source) {
            case USER -> "userState";
            case MACHINE -> "machineState";
            case CALENDAR -> "calendarState";
            case PHONE -> "phoneState";
            case AGGREGATE -> "aggregateState";
        };
    }

    /** Sends a NOTIFY, or a BENOTIFY to a subscriber that supports them; no content for a terminating one. */
    private void send(Subscription subscription, String subscriptionState, Content content) {
        String method = subscription.benotify ? BENOTIFY : Request.NOTIFY;
        try {
            subscription.cseq++;
            ViaHeader via = headers.createViaHeader(
                    "127.0.0.1",
                    port(),
                    config.transport(),
                    "z9hG4bK" + Long.toHexString(UUID.randomUUID().getLeastSignificantBits()));
            Request notify = messages.createRequest(
                    subscription.remoteTarget,
                    method,
                    headers.createCallIdHeader(subscription.callId),
                    headers.createCSeqHeader(subscription.cseq, method),
                    headers.createFromHeader(subscription.target, subscription.targetTag),
                    headers.createToHeader(subscription.watcher, subscription.watcherTag),
                    new ArrayList<>(List.of(via)),
                    headers.createMaxForwardsHeader(70));
            notify.addHeader(headers.createEventHeader(EVENT_PRESENCE));
            notify.addHeader(headers.createHeader("Subscription-State", subscriptionState));
            notify.addHeader(headers.createContactHeader(
                    addresses.createAddress(addresses.createSipURI(null, "127.0.0.1:" + port()))));
            if (subscription.batch) {
                notify.addHeader(headers.createHeader("Require", "eventlist"));
            }
            if (subscription.flow != null) {
                notify.addHeader(headers.createRouteHeader(addresses.createAddress(subscription.flow)));
            }
            if (content != null) {
                setContent(notify, content);
            }
            provider.sendRequest(notify);
        } catch (SipException | ParseException | InvalidArgumentException e) {
            LOG.warn(
                    "{} to {} not sent: {}",
                    method,
                    LogText.printable(subscription.watcher.toString()),
                    e.getMessage());
        }
    }

    /** The connection a request came on (JAIN-SIP keeps it under the peer's address and port), or null on UDP. */
    private SipURI flowOf(Request request) throws ParseException {
        if ("udp".equals(config.transport())) {
            return null;
        }
        SIPMessage message = (SIPMessage) request;
        SipURI flow = addresses.createSipURI(
                null, message.getRemoteAddress().getHostAddress() + ":" + message.getRemotePort());
        flow.setTransportParam(config.transport());
        flow.setLrParam();
        return flow;
    }

    /** Removes a subscription; false when there was none. */
    private boolean forget(String callId) {
        Subscription subscription = subscriptions.remove(callId);
        if (subscription == null) {
            return false;
        }
        unindex(subscription);
        return true;
    }

    /** Ends the subscriptions not refreshed in time, telling each subscriber (RFC 6665 reason timeout). */
    private synchronized void endExpiredSubscriptions() {
        Instant now = Instant.now();
        for (Subscription subscription : List.copyOf(subscriptions.values())) {
            if (!subscription.expires.isAfter(now)) {
                LOG.info(
                        "subscription of {} to {} expired",
                        LogText.printable(subscription.watcher.getURI().toString()),
                        LogText.printable(subscription.target.getURI().toString()));
                send(subscription, "terminated;reason=timeout", null);
                forget(subscription.callId);
            }
        }
    }

    // ---- answering ----

    @FunctionalInterface
    private interface ResponseFiller {
        void fill(Response response) throws ParseException, SipException, InvalidArgumentException;
    }

    private void respond(Request request, int status, ResponseFiller filler)
            throws SipException, ParseException, InvalidArgumentException {
        Response response = messages.createResponse(status, request);
        if (filler != null) {
            filler.fill(response);
        }
        provider.sendResponse(response);
    }

    /** Refuses a request with the reason in the status line, and says so in one log line. */
    private void refuse(Request request, int status, String reason)
            throws SipException, ParseException, InvalidArgumentException {
        LOG.warn(
                "{} from {} refused ({}): {}", request.getMethod(), sender(request), status, LogText.printable(reason));
        // a reason phrase is one line of printable text
        String phrase = reason.replaceAll("[\\p{Cntrl}]", " ");
        respond(request, status, response -> response.setReasonPhrase(phrase));
    }

    /** The request's From URI, as a log line may show it. */
    private static String sender(Request request) {
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        return LogText.printable(
                from == null ? null : from.getAddress().getURI().toString());
    }

    private void setContent(Message message, Content content) throws ParseException {
        message.setContent(content.body().getBytes(StandardCharsets.UTF_8), (ContentTypeHeader)
                headers.createHeader(ContentTypeHeader.NAME, content.contentType()));
    }

    /** The request's media type (type/subtype, lower case, no parameters), or "none". */
    private static String mediaType(Request request) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        if (type == null) {
            return "none";
        }
        return (type.getContentType() + "/" + type.getContentSubType()).toLowerCase(Locale.ROOT);
    }

    private static boolean mentions(Request request, String option) {
        for (String name : List.of("Supported", "Proxy-Require", "Require")) {
            ListIterator<?> values = request.getHeaders(name);
            while (values.hasNext()) {
                if (value((Header) values.next()).contains(option)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String value(Header header) {
        String text = header.toString();
        return text.substring(text.indexOf(':') + 1).trim();
    }

    /** Workers are compared case-insensitively, as Lync compares SIP URIs of users. */
    private static String key(String sipUri) {
        return sipUri.trim().toLowerCase(Locale.ROOT);
    }
}

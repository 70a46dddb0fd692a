package io.ucsync.emulator.frontend;

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
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ucsync.emulator.control.LineControlServer;
import io.ucsync.presence.MsPresCategoriesDocument;
import io.ucsync.presence.MsPresCategoriesDocument.StateInstance;
import io.ucsync.presence.MsPresFault;
import io.ucsync.presence.MsPresPublishDocument;
import io.ucsync.presence.PresenceDocumentException;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.StatePublication;
import io.ucsync.sip.SipStackSettings;
import io.ucsync.sip.internal.FreePorts;

/**
 * A UC front end speaking the MS-PRES dialect of Lync / Skype for Business, on 127.0.0.1: REGISTER is answered
 * 200; a SUBSCRIBE to a worker's presence is answered 200 with the first categories document piggybacked (or sent
 * in a NOTIFY right after, when the subscriber does not support piggybacking); every later change goes as BENOTIFY
 * to subscribers that support {@code ms-benotify}, else as NOTIFY. SERVICE category publications are kept per
 * worker with MS-PRES versions (a stale version gets 409 with the current one), and aggregated: while ucsync has a
 * publication for a worker, watchers see it; when it is removed, the worker's own presence shows again.
 * <p>
 * Everything is answered and sent statelessly, so the stack keeps no transactions or dialogs; one lock orders the
 * state and what goes out.
 */
public final class FrontEndEmulator implements AutoCloseable, SipListener {

    private static final Logger LOG = LoggerFactory.getLogger(FrontEndEmulator.class);
    private static final int DEFAULT_EXPIRES = 3600;
    private static final int OFFLINE = 18500;
    private static final String EVENT_PRESENCE = "presence";
    private static final String BENOTIFY = "BENOTIFY";
    private static final String SERVICE = "SERVICE";
    private static final int CONFLICT = 409;

    /** A worker's own presence, as the control command or the API set it. */
    public record OwnPresence(int availability, String activity, PresenceSource source) {
    }

    /** What ucsync published for a worker in one container and instance. */
    public record Publication(String sipUri, int container, long instance, long version, int availability, String activity) {
    }

    /** A subscription as the front end holds it. */
    public record SubscriptionInfo(String watcher, String target, Instant expires) {
    }

    private static final class Subscription {
        final String callId;
        final Address watcher;
        final String watcherTag;
        final Address target;
        final String targetTag;
        final URI remoteTarget;
        final boolean benotify;
        long cseq;
        Instant expires;

        Subscription(String callId, Address watcher, String watcherTag, Address target, URI remoteTarget, boolean benotify,
                Instant expires) {
            this.callId = callId;
            this.watcher = watcher;
            this.watcherTag = watcherTag;
            this.target = target;
            this.targetTag = Long.toHexString(UUID.randomUUID().getMostSignificantBits());
            this.remoteTarget = remoteTarget;
            this.benotify = benotify;
            this.expires = expires;
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
    private final AtomicLong instances = new AtomicLong(1);

    // guarded by this
    private final Map<String, OwnPresence> own = new LinkedHashMap<>();
    private final Map<String, List<Publication>> publications = new LinkedHashMap<>();
    private final Map<String, Long> versions = new LinkedHashMap<>();
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    /** The same subscriptions by the worker they watch, so that a change reaches its watchers without a search. */
    private final Map<String, Map<String, Subscription>> subscriptionsByTarget = new HashMap<>();

    private FrontEndEmulator(FrontEndEmulatorConfig config) throws Exception {
        this.config = config;
        SipFactory factory = SipFactory.getInstance();
        addresses = factory.createAddressFactory();
        headers = factory.createHeaderFactory();
        messages = factory.createMessageFactory();
        SipStackSettings.Builder settings = SipStackSettings.builder("ucsync-frontend-emulator-" + UUID.randomUUID())
                .automaticDialogSupport(false).listenerThreads(1);
        if (config.tls() != null) {
            settings.tls(config.tls());
        }
        stack = settings.build().createStack();
        int port = config.port() != 0 ? config.port() : FreePorts.pick(InetAddress.getLoopbackAddress());
        listeningPoint = stack.createListeningPoint("127.0.0.1", port, config.transport());
        provider = stack.createSipProvider(listeningPoint);
        provider.addSipListener(this);
        stack.start();
        controlServer = config.controlPort() < 0 ? null
                : LineControlServer.start(config.controlPort(), words -> ControlCommands.run(this, words));
        LOG.info("UC front-end emulator (MS-PRES) listening on 127.0.0.1:{}/{}{}", port, config.transport(),
                controlServer == null ? "" : ", control port " + controlServer.port());
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
            throw new IllegalStateException("cannot start the UC front-end emulator on 127.0.0.1:" + config.port() + "/"
                    + config.transport() + ": " + e.getMessage(), e);
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

    /** Sets a worker's own presence; every watcher of the worker is told what now shows. */
    public synchronized void presence(String sipUri, int availability, String activity, PresenceSource source) {
        if (availability < 0) {
            throw new IllegalArgumentException("availability is an MS-PRES number such as 3500, not " + availability);
        }
        own.put(sipUri, new OwnPresence(availability, activity, source));
        notifyWatchers(sipUri);
    }

    /** The worker's own presence (not what ucsync publishes), or null when none was set. */
    public synchronized OwnPresence ownPresence(String sipUri) {
        return own.get(sipUri);
    }

    public synchronized List<SubscriptionInfo> subscriptions() {
        expireSubscriptions();
        return subscriptions.values().stream()
                .map(s -> new SubscriptionInfo(s.watcher.getURI().toString(), s.target.getURI().toString(), s.expires)).toList();
    }

    /** What ucsync has published for a worker, oldest first. */
    public synchronized List<Publication> publications(String sipUri) {
        return List.copyOf(publications.getOrDefault(sipUri, List.of()));
    }

    /** Ends every subscription with a terminating notification, as a front-end restart would. */
    public synchronized int dropSubscriptions() {
        int dropped = subscriptions.size();
        for (Subscription subscription : subscriptions.values()) {
            send(subscription, "terminated;reason=deactivated", null);
        }
        subscriptions.clear();
        subscriptionsByTarget.clear();
        LOG.info("dropped {} subscriptions", dropped);
        return dropped;
    }

    @Override
    public void close() {
        if (controlServer != null) {
            controlServer.close();
        }
        stack.stop();
    }

    // ---- SIP ----

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        try {
            switch (request.getMethod()) {
                case Request.REGISTER -> respond(request, Response.OK, response -> {
                    ExpiresHeader expires = request.getExpires();
                    response.addHeader(headers.createExpiresHeader(expires == null ? DEFAULT_EXPIRES : expires.getExpires()));
                    ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
                    if (contact != null) {
                        response.addHeader(contact);
                    }
                });
                case Request.SUBSCRIBE -> subscribe(request);
                case SERVICE -> service(request);
                case Request.ACK -> {
                    // nothing to do
                }
                default -> respond(request, Response.METHOD_NOT_ALLOWED, null);
            }
        } catch (SipException | ParseException | InvalidArgumentException | RuntimeException e) {
            LOG.warn("{} from {} not handled: {}", request.getMethod(), ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress(),
                    e.toString());
        }
    }

    private synchronized void subscribe(Request request) throws SipException, ParseException, InvalidArgumentException {
        String event = request.getHeader("Event") == null ? null : value(request.getHeader("Event"));
        if (event == null || !event.toLowerCase(Locale.ROOT).startsWith(EVENT_PRESENCE)) {
            respond(request, Response.BAD_EVENT, null);
            return;
        }
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        ExpiresHeader expiresHeader = request.getExpires();
        int expires = expiresHeader == null ? DEFAULT_EXPIRES : Math.min(expiresHeader.getExpires(), DEFAULT_EXPIRES);
        if (to.getAddress().getURI().equals(from.getAddress().getURI())) {
            // a subscription to oneself is MS-PRES's batched form (adhocList of many workers)
            respondWithReason(request, Response.NOT_IMPLEMENTED, "Batched subscriptions are not emulated");
            return;
        }
        Subscription subscription = subscriptions.get(callId);
        if (subscription == null && to.getTag() != null) {
            respond(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        if (subscription == null) {
            ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
            if (contact == null) {
                respondWithReason(request, Response.BAD_REQUEST, "Contact missing");
                return;
            }
            subscription = new Subscription(callId, from.getAddress(), from.getTag(), to.getAddress(),
                    contact.getAddress().getURI(), mentions(request, "ms-benotify"), Instant.now().plusSeconds(expires));
            subscription.cseq = 0;
            if (expires > 0) {
                subscriptions.put(callId, subscription);
                subscriptionsByTarget.computeIfAbsent(subscription.target.getURI().toString(), t -> new LinkedHashMap<>())
                        .put(callId, subscription);
            }
        }
        subscription.expires = Instant.now().plusSeconds(expires);
        Subscription answered = subscription;
        String target = subscription.target.getURI().toString();
        boolean piggyback = to.getTag() == null && expires > 0 && mentions(request, "ms-piggyback-first-notify");
        respond(request, Response.OK, response -> {
            ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(answered.targetTag);
            response.addHeader(headers.createExpiresHeader(expires));
            response.addHeader(headers.createContactHeader(addresses.createAddress(
                    addresses.createSipURI(null, "127.0.0.1:" + port()))));
            if (answered.benotify) {
                response.addHeader(headers.createHeader("Supported", "ms-benotify"));
            }
            if (piggyback) {
                response.setContent(document(target), headers.createContentTypeHeader("application", "msrtc-event-categories+xml"));
            }
        });
        if (expires == 0) {
            forget(callId);
        } else if (to.getTag() == null && !piggyback) {
            send(subscription, "active;expires=" + expires, document(target));
        }
    }

    private synchronized void service(Request request) throws SipException, ParseException, InvalidArgumentException {
        List<StatePublication> published;
        try {
            published = MsPresPublishDocument.read(request.getRawContent() == null ? new byte[0] : request.getRawContent());
        } catch (PresenceDocumentException e) {
            LOG.warn("SERVICE refused (400): {}", e.getMessage());
            respondWithReason(request, Response.BAD_REQUEST, "Unreadable publication: " + e.getMessage());
            return;
        }
        for (StatePublication publication : published) {
            String key = publication.sipUri() + "|" + publication.container() + "|" + Integer.toUnsignedLong(publication.instance());
            long current = versions.getOrDefault(key, 0L);
            if (publication.version() != current) {
                respond(request, CONFLICT, response -> response.setContent(MsPresFault.wrongVersion(current),
                        headers.createContentTypeHeader("application", "msrtc-fault+xml")));
                return;
            }
        }
        List<String> changed = new ArrayList<>();
        for (StatePublication publication : published) {
            String key = publication.sipUri() + "|" + publication.container() + "|" + Integer.toUnsignedLong(publication.instance());
            long version = versions.getOrDefault(key, 0L) + 1;
            versions.put(key, version);
            List<Publication> ofWorker = publications.computeIfAbsent(publication.sipUri(), uri -> new ArrayList<>());
            ofWorker.removeIf(p -> p.container() == publication.container() && p.instance() == Integer.toUnsignedLong(publication.instance()));
            if (!publication.isRemoval() && publication.availability() != null) {
                ofWorker.add(new Publication(publication.sipUri(), publication.container(), Integer.toUnsignedLong(publication.instance()),
                        version, publication.availability(), publication.activityToken()));
            }
            changed.add(publication.sipUri());
        }
        respond(request, Response.OK, null);
        changed.stream().distinct().forEach(this::notifyWatchers);
    }

    @Override
    public synchronized void processResponse(ResponseEvent event) {
        Response response = event.getResponse();
        int status = response.getStatusCode();
        if (status == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST || status >= 400 && status != 408) {
            String callId = ((CallIdHeader) response.getHeader(CallIdHeader.NAME)).getCallId();
            if (forget(callId)) {
                LOG.info("subscription {} ended: the watcher answered {} to a notification", callId, status);
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

    private void notifyWatchers(String sipUri) {
        Map<String, Subscription> watchers = subscriptionsByTarget.getOrDefault(sipUri, Map.of());
        Instant now = Instant.now();
        watchers.values().stream().filter(subscription -> subscription.expires.isBefore(now)).map(s -> s.callId).toList()
                .forEach(this::forget);
        String body = null;
        for (Subscription subscription : watchers.values()) {
            body = body != null ? body : document(sipUri);
            long seconds = Math.max(0, subscription.expires.getEpochSecond() - now.getEpochSecond());
            send(subscription, "active;expires=" + seconds, body);
        }
    }

    /** Removes a subscription; false when there was none. */
    private boolean forget(String callId) {
        Subscription subscription = subscriptions.remove(callId);
        if (subscription == null) {
            return false;
        }
        Map<String, Subscription> watchers = subscriptionsByTarget.get(subscription.target.getURI().toString());
        if (watchers != null) {
            watchers.remove(callId);
        }
        return true;
    }

    /** The categories document of what a worker shows: ucsync's newest publication, else their own presence. */
    private String document(String sipUri) {
        List<Publication> published = publications.getOrDefault(sipUri, List.of());
        StateInstance state;
        if (!published.isEmpty()) {
            Publication shown = published.get(published.size() - 1);
            state = new StateInstance("aggregateState", shown.availability(), shown.activity(), instances.getAndIncrement(), Instant.now());
        } else {
            OwnPresence presence = own.getOrDefault(sipUri, new OwnPresence(OFFLINE, null, PresenceSource.AGGREGATE));
            state = new StateInstance(stateType(presence.source()), presence.availability(), presence.activity(),
                    instances.getAndIncrement(), Instant.now());
        }
        return MsPresCategoriesDocument.write(sipUri, List.of(state));
    }

    private static String stateType(PresenceSource source) {
        return switch (source) {
            case USER -> "userState";
            case MACHINE -> "machineState";
            case CALENDAR -> "calendarState";
            case PHONE -> "phoneState";
            default -> "aggregateState";
        };
    }

    private void send(Subscription subscription, String subscriptionState, String body) {
        String method = subscription.benotify && body != null ? BENOTIFY : Request.NOTIFY;
        try {
            subscription.cseq++;
            ViaHeader via = headers.createViaHeader("127.0.0.1", port(), config.transport(),
                    "z9hG4bK" + Long.toHexString(UUID.randomUUID().getLeastSignificantBits()));
            Request notify = messages.createRequest(subscription.remoteTarget, method,
                    headers.createCallIdHeader(subscription.callId), headers.createCSeqHeader(subscription.cseq, method),
                    headers.createFromHeader(subscription.target, subscription.targetTag),
                    headers.createToHeader(subscription.watcher, subscription.watcherTag), new ArrayList<>(List.of(via)),
                    headers.createMaxForwardsHeader(70));
            notify.addHeader(headers.createEventHeader(EVENT_PRESENCE));
            notify.addHeader(headers.createHeader("Subscription-State", subscriptionState));
            notify.addHeader(headers.createContactHeader(addresses.createAddress(addresses.createSipURI(null, "127.0.0.1:" + port()))));
            if (body != null) {
                notify.setContent(body.getBytes(StandardCharsets.UTF_8),
                        headers.createContentTypeHeader("application", "msrtc-event-categories+xml"));
            }
            provider.sendRequest(notify);
        } catch (SipException | ParseException | InvalidArgumentException e) {
            LOG.warn("{} to {} not sent: {}", method, subscription.watcher, e.getMessage());
        }
    }

    private void expireSubscriptions() {
        Instant now = Instant.now();
        subscriptions.values().stream().filter(subscription -> subscription.expires.isBefore(now)).map(s -> s.callId).toList()
                .forEach(this::forget);
    }

    // ---- answering ----

    @FunctionalInterface
    private interface ResponseFiller {
        void fill(Response response) throws ParseException, SipException, InvalidArgumentException;
    }

    private void respond(Request request, int status, ResponseFiller filler) throws SipException, ParseException, InvalidArgumentException {
        Response response = messages.createResponse(status, request);
        if (filler != null) {
            filler.fill(response);
        }
        provider.sendResponse(response);
    }

    private void respondWithReason(Request request, int status, String reason) throws SipException, ParseException, InvalidArgumentException {
        respond(request, status, response -> response.setReasonPhrase(reason));
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
}

package io.ucsync.sip;

import io.ucsync.tls.TlsSettings;
import io.ucsync.tls.TlsStoreOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of a {@code sip-presence} endpoint. All of them except {@link #getWatch() watch} configure the
 * front end's user agent, which every endpoint with the same front-end name shares; they must therefore be
 * the same on all those endpoints (the component refuses a second, different set). The component's own
 * configuration supplies defaults, so routes may write just {@code sip-presence:uc}. Camel sets them (also as
 * {@code camel.component.sip-presence.configuration.*}) through the generated SipPresenceConfigurationConfigurer,
 * not by reflection.
 */
@UriParams
@Configurer
public class SipPresenceConfiguration extends TlsStoreOptions implements Cloneable {

    /**
     * Room kept per worker in the first notification of a batch: the UC front-end emulator writes about 600 bytes for
     * a worker's state category, Lync of the same order.
     */
    static final int BYTES_PER_BATCHED_WORKER = 1024;

    /** The largest batchSize: a Lync client policy allows a user at most 1,000 contacts (MaximumNumberOfContacts). */
    static final int MAX_BATCH_SIZE = 1000;

    /**
     * The front end's server as host:port, or several comma-separated (a UC pool's front ends; or a load balancer,
     * or a SIP presence server). The user agent uses the first that answers and moves to the next when the one in
     * use fails (a transport failure, no answer while it answers nothing else, a 503).
     */
    @UriParam(label = "common")
    private String server;

    /** The transport to the front end: udp, tcp or tls. */
    @UriParam(label = "common", defaultValue = "udp", enums = "udp,tcp,tls")
    private SipTransport transport = SipTransport.UDP;

    /** The local address the user agent listens on and sends from. */
    @UriParam(label = "advanced", defaultValue = "127.0.0.1")
    private String localHost = "127.0.0.1";

    /** The local port; 0 picks a free one. */
    @UriParam(label = "advanced", defaultValue = "0")
    private int localPort;

    /** The presence protocol of the front end: mspres (Lync / Skype for Business) or simple (RFC 3856/3903). */
    @UriParam(label = "common", defaultValue = "mspres", enums = "mspres,simple")
    private SipDialect dialect = SipDialect.MSPRES;

    /**
     * ucsync's own SIP identity, a SIP URI of the UC domain (From of every request, the registered address).
     * Required, on the endpoint or the component.
     */
    @UriParam(label = "common")
    private String user;

    /**
     * Whether to REGISTER the user with the front end before subscribing (subscriptions wait for the registration),
     * refresh it before it expires, and de-register (Expires: 0) on stop.
     */
    @UriParam(label = "common", defaultValue = "false")
    private boolean register;

    /** The registration lifetime asked for, in seconds; it is refreshed before the granted time runs out. */
    @UriParam(label = "advanced", defaultValue = "3600")
    private int registerExpires = 3600;

    /**
     * The subscription lifetime asked for, in seconds. Each subscription is refreshed in its dialog 120 s before the
     * granted time runs out (at half of it for 240 s and less), or earlier when a NOTIFY shortens it.
     */
    @UriParam(label = "consumer", defaultValue = "3600")
    private int subscribeExpires = 3600;

    /**
     * MS-PRES only: subscribe to the workers in batches, one SUBSCRIBE (adhocList, sent to ucsync's own URI) per group
     * of up to batchSize workers, as Lync clients subscribe to their contacts, instead of one SUBSCRIBE per worker.
     * Unset: true for mspres. The simple dialect subscribes per worker (RFC 4662 lists are lists a presence server
     * keeps, XCAP-provisioned, which ucsync does not make).
     */
    @UriParam(label = "consumer")
    private Boolean batchSubscribe;

    /**
     * MS-PRES only: the most workers in one batched subscription. After the front end refuses a batch as too large
     * (413 or 513), batches hold at most half the refused size. Lync lets a user have up to 1,000 contacts (client
     * policy MaximumNumberOfContacts) and 200 subscription dialogs (User Services MaxSubscriptions, its default), so
     * 100,000 workers need batches of 500 or more. A batch also stays within maxBodySize at 1 KiB per worker and, over
     * UDP, within maxDatagramSize (16 workers with the defaults), so that its first notification, about 600 bytes per
     * worker, can be read: use TCP or TLS, as Lync front ends do, for larger batches.
     */
    @UriParam(label = "consumer", defaultValue = "1000")
    private int batchSize = 1000;

    /**
     * The most SUBSCRIBEs (new subscriptions, refreshes, unsubscribes) waiting for the server's answer at a time; the
     * others wait their turn. Subscribing to every worker at start, after moving to another server or after the server
     * lost its subscriptions then goes at the pace the server answers, instead of flooding it and the SIP stacks.
     * Fewer go while the server answers slowly: starting at 4, one more may go after each answer that took less than
     * a quarter of T1 (requestTimeout / 64), and half as many after one that took more than half of T1, before UDP
     * would send it again.
     */
    @UriParam(label = "consumer", defaultValue = "32")
    private int maxSubscribesInFlight = 32;

    /**
     * Workers to watch from the start, as a comma-separated list of SIP URIs. More can be added and removed at
     * run time through the front end's SipPresenceAgent (watch, unwatch).
     */
    @UriParam(label = "consumer")
    private String watch;

    /**
     * The user name for digest authentication of 401/407 challenges (MD5, MD5-sess, SHA-256; qop=auth); without
     * credentials a challenge fails the request.
     */
    @UriParam(label = "security")
    private String authUsername;

    /** The password for digest authentication. */
    @UriParam(label = "security", secret = true)
    private String authPassword;

    /** TLS: what ucsync asks of peers that open TLS connections to it: none, want or require a client certificate. */
    @UriParam(label = "security", defaultValue = "none", enums = "none,want,require")
    private TlsSettings.ClientAuth tlsClientAuth = TlsSettings.ClientAuth.NONE;

    /**
     * The first delay before retrying a failed registration, subscription or publication refresh, and between two
     * rounds over the servers while none answers, in milliseconds; it doubles per failure up to retryMaxDelay, plus up
     * to 10% jitter.
     */
    @UriParam(label = "advanced", defaultValue = "1000")
    private long retryInitialDelay = 1000;

    /**
     * The longest delay between retries of a failed registration, subscription or publication refresh, and between
     * rounds over the servers, in milliseconds.
     */
    @UriParam(label = "advanced", defaultValue = "60000")
    private long retryMaxDelay = 60_000;

    /**
     * Seconds between the OPTIONS sent to the server in use, so that a server that went away is noticed while
     * nothing else is sent; 0 sends none. Unset: 30 when server names several servers, none for one (a single
     * server's failure shows on the next request, as a subscription refresh or a publication).
     */
    @UriParam(label = "advanced")
    private Integer keepAliveInterval;

    /**
     * How long a request waits for its final answer, in milliseconds (SIP Timer F, 64 x T1). Over UDP the
     * retransmissions start at a 64th of it. A TCP/TLS connection that the server drops silently (a refused
     * client certificate in TLS 1.3, for one) is noticed only through this timeout.
     */
    @UriParam(label = "advanced", defaultValue = "32000")
    private int requestTimeout = 32_000;

    /** SIMPLE only: the lifetime of a PUBLISH, in seconds; the publication is refreshed like a subscription. */
    @UriParam(label = "producer", defaultValue = "3600")
    private int publishExpires = 3600;

    /** MS-PRES only: the container the state category is published in. */
    @UriParam(label = "producer", defaultValue = "2")
    private int publishContainer = 2;

    /** MS-PRES only: the instance id of ucsync's state category publication (an unsigned 32-bit number). */
    @UriParam(label = "producer", defaultValue = "1100")
    private int publishInstance = 1100;

    /**
     * MS-PRES only: the expireType of the publication: static (stays), user (user-bound) or endpoint (dies with
     * ucsync's registration, so it needs register=true).
     */
    @UriParam(label = "producer", defaultValue = "static", enums = "static,user,endpoint")
    private String publishExpireType = "static";

    /**
     * The largest presence document read, in bytes; a larger body is refused with one log line and the last
     * presence is kept.
     */
    @UriParam(label = "consumer", defaultValue = "1048576")
    private int maxBodySize = 1024 * 1024;

    /** The largest SIP message the stack reads, in bytes; a larger one on TCP/TLS makes the stack drop the connection. */
    @UriParam(label = "advanced", defaultValue = "16777216")
    private int maxMessageSize = 16 * 1024 * 1024;

    /**
     * Over UDP, the largest SIP message read, in bytes (4096 to 65507). The SIP stack allocates a buffer of this
     * size for every datagram and queues it until it is parsed, so under a burst a large value costs memory and
     * garbage collection (64 KiB buffers made ucsync lose half of a 10,000/s BENOTIFY burst, 16 KiB none). RFC 3261
     * (18.1.1) sends requests above about 1300 bytes over TCP; a larger datagram is cut and dropped.
     */
    @UriParam(label = "advanced", defaultValue = "16384")
    private int maxDatagramSize = 16 * 1024;

    /**
     * Threads of the SIP stack that read and dispatch UDP messages. With more than one, notifications of one
     * dialog can overtake each other; the older one is then dropped (its CSeq is lower), so the last state
     * still wins but an intermediate one is lost. One thread keeps every notification, in order.
     */
    @UriParam(label = "advanced", defaultValue = "1")
    private int listenerThreads = 1;

    /**
     * Threads that read presence documents and run the consumer's route; a worker always uses the same one,
     * so its presences arrive in order.
     */
    @UriParam(label = "consumer", defaultValue = "4")
    private int notificationThreads = 4;

    /** Notifications waiting per notification thread before the SIP stack's threads wait for room. */
    @UriParam(label = "consumer,advanced", defaultValue = "10000")
    private int notificationQueueSize = 10_000;

    public SipPresenceConfiguration copy() {
        try {
            return (SipPresenceConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** The static watch list, split and trimmed. */
    public List<String> watchList() {
        if (watch == null || watch.isBlank()) {
            return List.of();
        }
        List<String> uris = new ArrayList<>();
        for (String uri : watch.split(",")) {
            if (!uri.isBlank()) {
                uris.add(uri.trim());
            }
        }
        return uris;
    }

    /**
     * The servers of {@link #server}, in order, each as {@code host:port}; a server given without a port gets 5061
     * for TLS and 5060 otherwise.
     */
    public List<String> serverList() {
        List<String> servers = new ArrayList<>();
        for (String entry : server.split(",")) {
            String hostPort = entry.trim();
            if (hostPort.isEmpty()) {
                throw new IllegalArgumentException("server must be host:port[,host:port...], was " + server);
            }
            int colon = hostPort.lastIndexOf(':');
            boolean hasPort = colon > 0 && !hostPort.endsWith("]");
            String host = hasPort ? hostPort.substring(0, colon) : hostPort;
            int port;
            try {
                port = hasPort
                        ? Integer.parseInt(hostPort.substring(colon + 1))
                        : transport == SipTransport.TLS ? 5061 : 5060;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("server must be host:port[,host:port...], was " + server);
            }
            require(!host.isBlank() && port > 0 && port < 65536, "server port must be 1-65535: " + hostPort);
            String normalized = host + ":" + port;
            require(!servers.contains(normalized), "server names " + normalized + " twice");
            servers.add(normalized);
        }
        return servers;
    }

    /** Whether subscriptions are batched: as configured, else for the mspres dialect. */
    public boolean effectiveBatchSubscribe() {
        return batchSubscribe != null ? batchSubscribe : dialect == SipDialect.MSPRES;
    }

    /**
     * The most workers in one SUBSCRIBE: 1 without batches; else batchSize, within maxBodySize and, over UDP,
     * maxDatagramSize at {@value #BYTES_PER_BATCHED_WORKER} bytes per worker.
     */
    public int effectiveBatchSize() {
        if (!effectiveBatchSubscribe()) {
            return 1;
        }
        int readable = transport == SipTransport.UDP ? Math.min(maxDatagramSize, maxBodySize) : maxBodySize;
        return Math.max(1, Math.min(batchSize, readable / BYTES_PER_BATCHED_WORKER));
    }

    /** The keep-alive interval in seconds: the configured one, else 30 for several servers and 0 for one. */
    public int effectiveKeepAliveInterval() {
        if (keepAliveInterval != null) {
            return keepAliveInterval;
        }
        return serverList().size() > 1 ? 30 : 0;
    }

    /** Checks the options together; the message names the option at fault. */
    public void validate() {
        require(
                server != null && !server.isBlank(),
                "server is required (host:port of the front end, or several, comma-separated)");
        serverList();
        require(
                keepAliveInterval == null || keepAliveInterval >= 0,
                "keepAliveInterval must be 0 or more, was " + keepAliveInterval);
        require(
                user != null && user.startsWith("sip:") && user.contains("@"),
                "user must be a SIP URI such as sip:ucsync@example.com, was " + user);
        require(localPort >= 0 && localPort < 65536, "localPort must be 0-65535, was " + localPort);
        require(registerExpires > 0, "registerExpires must be positive, was " + registerExpires);
        require(subscribeExpires > 0, "subscribeExpires must be positive, was " + subscribeExpires);
        require(publishExpires > 0, "publishExpires must be positive, was " + publishExpires);
        require(
                batchSize > 0 && batchSize <= MAX_BATCH_SIZE,
                "batchSize must be 1 to " + MAX_BATCH_SIZE
                        + " (the most contacts a Lync user may have; ucsync reads no larger batch notification), was "
                        + batchSize);
        require(maxSubscribesInFlight > 0, "maxSubscribesInFlight must be positive, was " + maxSubscribesInFlight);
        require(requestTimeout >= 640, "requestTimeout must be at least 640 ms (T1 of 10 ms), was " + requestTimeout);
        require(
                retryInitialDelay > 0 && retryMaxDelay >= retryInitialDelay,
                "retryInitialDelay must be positive and at most retryMaxDelay");
        require(
                maxBodySize > 0 && maxBodySize <= maxMessageSize,
                "maxBodySize must be positive and at most maxMessageSize");
        require(
                maxDatagramSize >= 4096 && maxDatagramSize <= 65507,
                "maxDatagramSize must be 4096-65507, was " + maxDatagramSize);
        require(notificationThreads > 0, "notificationThreads must be positive, was " + notificationThreads);
        require(notificationQueueSize > 0, "notificationQueueSize must be positive, was " + notificationQueueSize);
        require(authPassword == null || authUsername != null, "authPassword needs authUsername");
        require(
                batchSubscribe == null || !batchSubscribe || dialect == SipDialect.MSPRES,
                "batchSubscribe needs dialect=mspres");
        require(
                List.of("static", "user", "endpoint").contains(publishExpireType),
                "publishExpireType must be static, user or endpoint, was " + publishExpireType);
        if (transport == SipTransport.TLS) {
            require(hasStores(), "transport=tls needs a trustStore (and a keyStore for mutual TLS)");
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The TLS settings of these options, or null when the transport is not TLS. */
    public TlsSettings tlsSettings() {
        if (transport != SipTransport.TLS) {
            return null;
        }
        return tlsSettings(tlsClientAuth);
    }

    /**
     * The options that shape the shared user agent, for comparing two endpoints of the same front end
     * ({@link #getWatch() watch} is per consumer and left out).
     */
    List<Object> agentOptions() {
        return Arrays.asList(
                server,
                transport,
                localHost,
                localPort,
                dialect,
                user,
                register,
                registerExpires,
                subscribeExpires,
                batchSubscribe,
                batchSize,
                maxSubscribesInFlight,
                authUsername,
                authPassword,
                getKeyStore(),
                getKeyStorePassword(),
                getTrustStore(),
                getTrustStorePassword(),
                getStoreType(),
                isVerifyHostname(),
                tlsClientAuth,
                requestTimeout,
                retryInitialDelay,
                retryMaxDelay,
                keepAliveInterval,
                publishExpires,
                publishContainer,
                publishInstance,
                publishExpireType,
                maxBodySize,
                maxMessageSize,
                maxDatagramSize,
                listenerThreads,
                notificationThreads,
                notificationQueueSize);
    }

    /** Whether {@code other} configures the same user agent. */
    boolean sameAgentAs(SipPresenceConfiguration other) {
        return Objects.equals(agentOptions(), other.agentOptions());
    }

    public String getServer() {
        return server;
    }

    public void setServer(String server) {
        this.server = server;
    }

    public SipTransport getTransport() {
        return transport;
    }

    public void setTransport(SipTransport transport) {
        this.transport = transport;
    }

    public String getLocalHost() {
        return localHost;
    }

    public void setLocalHost(String localHost) {
        this.localHost = localHost;
    }

    public int getLocalPort() {
        return localPort;
    }

    public void setLocalPort(int localPort) {
        this.localPort = localPort;
    }

    public SipDialect getDialect() {
        return dialect;
    }

    public void setDialect(SipDialect dialect) {
        this.dialect = dialect;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public boolean isRegister() {
        return register;
    }

    public void setRegister(boolean register) {
        this.register = register;
    }

    public int getRegisterExpires() {
        return registerExpires;
    }

    public void setRegisterExpires(int registerExpires) {
        this.registerExpires = registerExpires;
    }

    public int getSubscribeExpires() {
        return subscribeExpires;
    }

    public void setSubscribeExpires(int subscribeExpires) {
        this.subscribeExpires = subscribeExpires;
    }

    public Boolean getBatchSubscribe() {
        return batchSubscribe;
    }

    public void setBatchSubscribe(Boolean batchSubscribe) {
        this.batchSubscribe = batchSubscribe;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public int getMaxSubscribesInFlight() {
        return maxSubscribesInFlight;
    }

    public void setMaxSubscribesInFlight(int maxSubscribesInFlight) {
        this.maxSubscribesInFlight = maxSubscribesInFlight;
    }

    public String getWatch() {
        return watch;
    }

    public void setWatch(String watch) {
        this.watch = watch;
    }

    public String getAuthUsername() {
        return authUsername;
    }

    public void setAuthUsername(String authUsername) {
        this.authUsername = authUsername;
    }

    public String getAuthPassword() {
        return authPassword;
    }

    public void setAuthPassword(String authPassword) {
        this.authPassword = authPassword;
    }

    public TlsSettings.ClientAuth getTlsClientAuth() {
        return tlsClientAuth;
    }

    public void setTlsClientAuth(TlsSettings.ClientAuth tlsClientAuth) {
        this.tlsClientAuth = tlsClientAuth;
    }

    public long getRetryInitialDelay() {
        return retryInitialDelay;
    }

    public void setRetryInitialDelay(long retryInitialDelay) {
        this.retryInitialDelay = retryInitialDelay;
    }

    public long getRetryMaxDelay() {
        return retryMaxDelay;
    }

    public void setRetryMaxDelay(long retryMaxDelay) {
        this.retryMaxDelay = retryMaxDelay;
    }

    public Integer getKeepAliveInterval() {
        return keepAliveInterval;
    }

    public void setKeepAliveInterval(Integer keepAliveInterval) {
        this.keepAliveInterval = keepAliveInterval;
    }

    public int getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(int requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public int getPublishExpires() {
        return publishExpires;
    }

    public void setPublishExpires(int publishExpires) {
        this.publishExpires = publishExpires;
    }

    public int getPublishContainer() {
        return publishContainer;
    }

    public void setPublishContainer(int publishContainer) {
        this.publishContainer = publishContainer;
    }

    public int getPublishInstance() {
        return publishInstance;
    }

    public void setPublishInstance(int publishInstance) {
        this.publishInstance = publishInstance;
    }

    public String getPublishExpireType() {
        return publishExpireType;
    }

    public void setPublishExpireType(String publishExpireType) {
        this.publishExpireType = publishExpireType;
    }

    public int getMaxBodySize() {
        return maxBodySize;
    }

    public void setMaxBodySize(int maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public int getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public int getMaxDatagramSize() {
        return maxDatagramSize;
    }

    public void setMaxDatagramSize(int maxDatagramSize) {
        this.maxDatagramSize = maxDatagramSize;
    }

    /** The message size limit of the SIP stack for the configured transport. */
    public int stackMaxMessageSize() {
        return transport == SipTransport.UDP ? maxDatagramSize : maxMessageSize;
    }

    public int getListenerThreads() {
        return listenerThreads;
    }

    public void setListenerThreads(int listenerThreads) {
        this.listenerThreads = listenerThreads;
    }

    public int getNotificationThreads() {
        return notificationThreads;
    }

    public void setNotificationThreads(int notificationThreads) {
        this.notificationThreads = notificationThreads;
    }

    public int getNotificationQueueSize() {
        return notificationQueueSize;
    }

    public void setNotificationQueueSize(int notificationQueueSize) {
        this.notificationQueueSize = notificationQueueSize;
    }
}

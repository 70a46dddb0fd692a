package io.ucsync.tlib;

import io.ucsync.tlib.codec.TlwCodec;
import io.ucsync.tlib.link.TServerLinkConfig;
import io.ucsync.tls.TlsSettings;
import io.ucsync.tls.TlsStoreOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of a {@code tlib} endpoint. All of them except {@link #getDns() dns} configure the T-Server link,
 * which every endpoint with the same name shares; they must be the same on all those endpoints. The component's
 * own configuration supplies defaults, so routes may write just {@code tlib:main}. Camel sets them (also as
 * {@code camel.component.tlib.configuration.*}) through the generated TlibConfigurationConfigurer, not by reflection.
 */
@UriParams
@Configurer
public class TlibConfiguration extends TlsStoreOptions implements Cloneable {

    /**
     * The T-Server pair as host:port,host:port: the primary first, then the backup. Required on the first endpoint
     * of a name; without it an endpoint uses the link that another endpoint of the same name configured.
     */
    @UriParam(label = "common")
    private String endpoints;

    /** ApplicationName in RequestRegisterClient: how the T-Server lists this client. */
    @UriParam(label = "common", defaultValue = "ucsync")
    private String applicationName = "ucsync";

    /** Local keep-alive timeout (PING after one timeout of silence, close after two); 0 turns it off. */
    @UriParam(label = "advanced", defaultValue = "10s")
    private Duration keepAliveTimeout = Duration.ofSeconds(10);

    /** Sent as keepalive-remote-timeout so that the T-Server watches this client too (whole seconds); 0 sends none. */
    @UriParam(label = "advanced", defaultValue = "10s")
    private Duration remoteKeepAlive = Duration.ofSeconds(10);

    /** How long a request waits for its direct response before failing with TServerTimeoutException. */
    @UriParam(label = "producer", defaultValue = "5s")
    private Duration requestTimeout = Duration.ofSeconds(5);

    /** First back-off after a round over the endpoints found no primary; it doubles up to reconnectMaxDelay. */
    @UriParam(label = "advanced", defaultValue = "250ms")
    private Duration reconnectDelay = Duration.ofMillis(250);

    /** Longest back-off between rounds over the endpoints. */
    @UriParam(label = "advanced", defaultValue = "5s")
    private Duration reconnectMaxDelay = Duration.ofSeconds(5);

    /** Largest frame accepted from the T-Server, in bytes. */
    @UriParam(label = "advanced", defaultValue = "65536")
    private int maxFrameSize = TlwCodec.DEFAULT_MAX_FRAME_SIZE;

    /** TLW/1 inside TLS (TLS 1.3 or 1.2). A link with TLS never falls back to plain TCP. */
    @UriParam(label = "security", defaultValue = "false")
    private boolean tls;

    /**
     * DNs to register from the start (comma-separated), so that their events arrive without a request having been
     * sent on them. Requests register their DN by themselves.
     */
    @UriParam(label = "consumer")
    private String dns;

    /**
     * Threads the consumer's routes run on: the events of one DN on one of them, in order; those of different DNs side
     * by side, so that one worker's change waiting to be saved does not hold up the others' (and the changes waiting
     * are saved in one commit: more in flight, fewer commits).
     */
    @UriParam(label = "consumer", defaultValue = "64")
    private int eventThreads = 64;

    public TlibConfiguration copy() {
        try {
            return (TlibConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** The link's configuration; fails with the option at fault. */
    public TServerLinkConfig linkConfig() {
        if (endpoints == null || endpoints.isBlank()) {
            throw new IllegalArgumentException(
                    "endpoints is required: host:port of the primary T-Server, then of the backup");
        }
        return TServerLinkConfig.builder()
                .endpoints(endpoints)
                .applicationName(applicationName)
                .keepAliveTimeout(keepAliveTimeout)
                .remoteKeepAlive(remoteKeepAlive)
                .requestTimeout(requestTimeout)
                .reconnectDelay(reconnectDelay)
                .reconnectMaxDelay(reconnectMaxDelay)
                .maxFrameSize(maxFrameSize)
                .tls(tlsSettings())
                .build();
    }

    private TlsSettings tlsSettings() {
        if (!tls) {
            if (hasStores()) {
                throw new IllegalArgumentException(
                        "trustStore and keyStore need tls=true (a link never sends TLW/1 in the clear by mistake)");
            }
            return null;
        }
        if (!hasStores()) {
            throw new IllegalArgumentException(
                    "tls=true needs a trustStore: the CAs the T-Server's certificate must chain to");
        }
        return tlsSettings(TlsSettings.ClientAuth.NONE);
    }

    /** The consumer's static DN list, split and trimmed. */
    public List<String> dnList() {
        if (dns == null || dns.isBlank()) {
            return List.of();
        }
        return Arrays.stream(dns.split(","))
                .map(String::trim)
                .filter(dn -> !dn.isEmpty())
                .toList();
    }

    public String getEndpoints() {
        return endpoints;
    }

    public void setEndpoints(String endpoints) {
        this.endpoints = endpoints;
    }

    public String getApplicationName() {
        return applicationName;
    }

    public void setApplicationName(String applicationName) {
        this.applicationName = applicationName;
    }

    public Duration getKeepAliveTimeout() {
        return keepAliveTimeout;
    }

    public void setKeepAliveTimeout(Duration keepAliveTimeout) {
        this.keepAliveTimeout = keepAliveTimeout;
    }

    public Duration getRemoteKeepAlive() {
        return remoteKeepAlive;
    }

    public void setRemoteKeepAlive(Duration remoteKeepAlive) {
        this.remoteKeepAlive = remoteKeepAlive;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getReconnectDelay() {
        return reconnectDelay;
    }

    public void setReconnectDelay(Duration reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    public Duration getReconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    public void setReconnectMaxDelay(Duration reconnectMaxDelay) {
        this.reconnectMaxDelay = reconnectMaxDelay;
    }

    public int getMaxFrameSize() {
        return maxFrameSize;
    }

    public void setMaxFrameSize(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    public boolean isTls() {
        return tls;
    }

    public void setTls(boolean tls) {
        this.tls = tls;
    }

    public String getDns() {
        return dns;
    }

    public void setDns(String dns) {
        this.dns = dns;
    }

    public int getEventThreads() {
        return eventThreads;
    }

    public void setEventThreads(int eventThreads) {
        this.eventThreads = eventThreads;
    }
}

package io.ucsync.sip.internal;

import io.ucsync.presence.LogText;
import java.text.ParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sip.InvalidArgumentException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ucsync's registration with the front end: REGISTER with one Call-ID and increasing CSeqs (RFC 3261 10.2),
 * refreshed before the granted time runs out, retried with back-off when it fails, and removed with
 * {@code Expires: 0} on stop. When the front-end server in use fails it is {@link #suspend suspended} and made
 * again on the next server ({@link #resume}). Runs on the agent thread.
 */
public final class Registration {

    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

    private final Requests requests;
    private final Transactions transactions;
    private final ScheduledExecutorService agent;
    private final int expires;
    private final long retryInitialMillis;
    private final long retryMaxMillis;
    private final Consumer<Boolean> onChange;
    private final String callId;
    private long cseq;
    private int failures;
    /** Counts suspensions, so that the answer to a REGISTER sent to a server the agent has left is ignored. */
    private int attempt;

    private volatile boolean registered;
    private boolean stopped;
    private ScheduledFuture<?> timer;

    public Registration(
            Requests requests,
            Transactions transactions,
            ScheduledExecutorService agent,
            int expires,
            long retryInitialMillis,
            long retryMaxMillis,
            String callId,
            Consumer<Boolean> onChange) {
        this.requests = requests;
        this.transactions = transactions;
        this.agent = agent;
        this.expires = expires;
        this.retryInitialMillis = retryInitialMillis;
        this.retryMaxMillis = retryMaxMillis;
        this.callId = callId;
        this.onChange = onChange;
    }

    public boolean registered() {
        return registered;
    }

    /** Sends the first REGISTER. */
    public void start() {
        register();
    }

    /** The server in use failed: forget the registration there, quietly; nothing is sent. */
    public void suspend() {
        attempt++;
        if (timer != null) {
            timer.cancel(false);
        }
        registered = false;
        failures = 0;
    }

    /** A server answers again: register there. */
    public void resume() {
        register();
    }

    private void register() {
        if (stopped) {
            return;
        }
        Request request;
        try {
            request = request(expires);
        } catch (ParseException | InvalidArgumentException e) {
            LOG.error("REGISTER cannot be built: {}", e.getMessage());
            return;
        }
        int sentIn = attempt;
        transactions
                .send(request)
                .whenCompleteAsync(
                        (response, error) -> {
                            if (sentIn == attempt) {
                                onAnswer(response, error);
                            }
                        },
                        agent);
    }

    private Request request(int seconds) throws ParseException, InvalidArgumentException {
        SipURI self = (SipURI) requests.self().getURI();
        URI registrar = requests.uri("sip:" + self.getHost());
        Request request = requests.outOfDialog(Request.REGISTER, registrar, requests.self(), callId, ++cseq);
        request.addHeader(requests.headers().createExpiresHeader(seconds));
        return request;
    }

    private void onAnswer(Response response, Throwable error) {
        if (stopped) {
            return;
        }
        if (response != null) {
            cseq = Math.max(cseq, ((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getSeqNumber());
        }
        if (error == null && response.getStatusCode() / 100 == 2) {
            int granted = granted(response);
            failures = 0;
            timer = agent.schedule(this::register, SipTimers.refreshDelayMillis(granted), TimeUnit.MILLISECONDS);
            if (!registered) {
                registered = true;
                LOG.info("registered {} (expires in {} s)", requests.self().getURI(), granted);
                onChange.accept(true);
            } else {
                LOG.debug(
                        "registration of {} refreshed (expires in {} s)",
                        requests.self().getURI(),
                        granted);
            }
            return;
        }
        String why = error != null
                ? Subscriptions.messageOf(error)
                : response.getStatusCode() + " " + LogText.printable(response.getReasonPhrase());
        failures++;
        long delay = SipTimers.backoffMillis(retryInitialMillis, retryMaxMillis, failures);
        LOG.warn(
                "REGISTER of {} failed: {}; trying again in {} ms",
                requests.self().getURI(),
                why,
                delay);
        timer = agent.schedule(this::register, delay, TimeUnit.MILLISECONDS);
    }

    /** The granted lifetime: our Contact's expires parameter, else the Expires header, else what we asked. */
    private int granted(Response response) {
        var contacts = response.getHeaders(ContactHeader.NAME);
        while (contacts.hasNext()) {
            ContactHeader contact = (ContactHeader) contacts.next();
            if (contact.getExpires() > 0) {
                return contact.getExpires();
            }
        }
        ExpiresHeader header = response.getExpires();
        return header != null && header.getExpires() > 0 ? header.getExpires() : expires;
    }

    /** Stops refreshing and removes the registration; the future completes with the server's answer. */
    public CompletableFuture<?> stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
        }
        if (!registered) {
            return CompletableFuture.completedFuture(null);
        }
        registered = false;
        try {
            return transactions.send(request(0)).handle((r, e) -> null);
        } catch (ParseException | InvalidArgumentException e) {
            return CompletableFuture.completedFuture(null);
        }
    }
}

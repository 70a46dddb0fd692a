package io.ucsync.tlib.link;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.ucsync.concurrent.Completions;
import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AddressType;
import io.ucsync.tlib.protocol.ControlMode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.RegisterMode;
import io.ucsync.tlib.protocol.TlibMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNs the link has been asked about, and their registration on the primary of the moment: the resync that
 * registers and queries every one of them on each new primary, one registered or queried later, and the retries of
 * those the T-Server refused or did not answer in time. Separate from the link because which DNs are wanted outlives
 * every connection, while which are registered belongs to one.
 * <p>
 * Confined to the link's event loop: every method runs on it.
 */
final class DnRegistrations {

    /** The link's own logger, so that one logger setting covers everything the link says. */
    private static final Logger LOG = LoggerFactory.getLogger(TServerLink.class);

    private final TServerLink link;
    private final EventLoop loop;
    private final PendingRequests requests;
    private final LinkListeners listeners;

    /** Registered again on every primary. */
    private final Set<String> wanted = new LinkedHashSet<>();

    private final Set<String> registeredOnConnection = new HashSet<>();
    private final Map<String, CompletableFuture<TlibMessage>> registering = new HashMap<>();
    private final FailureTally failedRegistrations;
    private final FailureTally failedQueries;

    DnRegistrations(TServerLink link, EventLoop loop, PendingRequests requests, LinkListeners listeners) {
        this.link = link;
        this.loop = loop;
        this.requests = requests;
        this.listeners = listeners;
        this.failedRegistrations =
                new FailureTally(link.name(), loop, "DN registration(s) failed", "each is tried again");
        this.failedQueries = new FailureTally(link.name(), loop, "DN query(ies) failed", "each is asked again");
    }

    Set<String> wanted() {
        return Set.copyOf(wanted);
    }

    boolean isRegistered(String dn) {
        return registeredOnConnection.contains(dn);
    }

    /** The connection is gone, and with it every registration on it. */
    void connectionLost() {
        registeredOnConnection.clear();
    }

    /**
     * Wants the DN from now on; while the link is up, registers it if need be and queries it.
     *
     * @return completes with its EventAddressInfo, or with null while the link is not up (its resync does it)
     */
    CompletableFuture<TlibMessage> register(String dn) {
        wanted.add(dn);
        if (link.state() != LinkState.UP) {
            return CompletableFuture.completedFuture(null); // the resync under way, or the next one, registers it
        }
        return registerAndQuery(dn);
    }

    /** Registers a DN new to the link and hands its EventAddressInfo to the listeners; while up. */
    private CompletableFuture<TlibMessage> registerAndQuery(String dn) {
        Channel channel = link.primary();
        return ensureRegistered(dn)
                .thenCompose(registered -> requests.sendPaced(channel, query(dn)))
                .whenComplete((info, error) -> {
                    if (info != null) {
                        listeners.deliver(info, EventKind.RESYNC);
                    } else if (registeredOnConnection.contains(dn)) {
                        // registered, not queried (a failed registration is tried again by itself)
                        queryFailed(dn, channel, error);
                    }
                });
    }

    /**
     * No longer wants the DN. Completes once the T-Server answered its RequestUnregisterAddress, or at once when it
     * was not registered on the connection up now.
     */
    CompletableFuture<Void> unregister(String dn) {
        wanted.remove(dn);
        if (link.state() == LinkState.CLOSED || !registeredOnConnection.remove(dn)) {
            return CompletableFuture.completedFuture(null);
        }
        return requests.send(
                        link.primary(),
                        TlibMessage.create(MessageType.RequestUnregisterAddress).thisDN(dn))
                .handle((answer, error) -> {
                    if (error != null) {
                        LOG.debug(
                                "T-Server link '{}': DN {} not unregistered: {}", link.name(), dn, error.getMessage());
                    }
                    return null;
                });
    }

    /** No longer wants the DN, whose RequestUnregisterAddress someone else sends. */
    void forget(String dn) {
        wanted.remove(dn);
        registeredOnConnection.remove(dn);
    }

    /**
     * On a new primary: registers every DN wanted and queries each, handing each report to the listeners as it
     * arrives; then, unless the connection was lost meanwhile, {@code done} with a summary for operators, and the DNs
     * asked for during the resync are registered.
     */
    void resync(Channel channel, EventKind kind, Consumer<String> done) {
        List<String> toRegister = List.copyOf(wanted);
        List<CompletableFuture<TlibMessage>> registrations =
                toRegister.stream().map(this::ensureRegistered).toList();
        whenAllSettled(registrations, () -> {
            List<CompletableFuture<TlibMessage>> queries = new ArrayList<>();
            for (String dn : toRegister) {
                if (registeredOnConnection.contains(dn)) {
                    // handed on as it arrives (on the loop, as the answer is read), so that the listeners get it in
                    // the T-Server's order with the live events around it: held back until the end of the resync, it
                    // would follow newer events and undo them
                    queries.add(requests.sendPaced(channel, query(dn)).whenComplete((info, error) -> {
                        if (info != null && channel == link.primary()) {
                            listeners.deliver(info, kind);
                        } else if (error != null) {
                            queryFailed(dn, channel, error);
                        }
                    }));
                }
            }
            whenAllSettled(queries, () -> finishResync(channel, toRegister, queries, done));
        });
    }

    private void finishResync(
            Channel channel,
            List<String> attempted,
            List<CompletableFuture<TlibMessage>> queries,
            Consumer<String> done) {
        if (channel != link.primary()) {
            return; // lost during the resync; the next one starts over
        }
        long answered = queries.stream()
                .filter(query -> !query.isCompletedExceptionally())
                .count();
        done.accept(registeredOnConnection.size() + " of " + attempted.size() + " DNs registered, " + answered
                + " queried");
        // a set: the list's contains() made this quadratic, seconds on the link's loop for 100,000 DNs
        Set<String> asked = new HashSet<>(attempted);
        for (String dn : List.copyOf(wanted)) {
            if (!asked.contains(dn) && !registeredOnConnection.contains(dn) && !registering.containsKey(dn)) {
                registerAndQuery(dn); // asked for while the resync was under way
            }
        }
    }

    /** Registers the DN on the primary unless it is registered or being registered already; wants it from now on. */
    CompletableFuture<TlibMessage> ensureRegistered(String dn) {
        wanted.add(dn);
        if (registeredOnConnection.contains(dn)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<TlibMessage> inFlight = registering.get(dn);
        if (inFlight != null) {
            return inFlight;
        }
        // whenComplete's own future completes only after the sets are updated, so its dependants see them updated
        CompletableFuture<TlibMessage> registered = requests.sendPaced(
                        link.primary(),
                        TlibMessage.create(MessageType.RequestRegisterAddress)
                                .thisDN(dn)
                                .registerMode(RegisterMode.Share)
                                .controlMode(ControlMode.Default)
                                .addressType(AddressType.DN))
                .whenComplete((answer, error) -> {
                    registering.remove(dn);
                    if (error != null) {
                        registrationFailed(dn, error);
                    } else if (wanted.contains(dn)) {
                        registeredOnConnection.add(dn);
                    } else {
                        // unregistered while its registration was on its way: undone, or its events would keep coming
                        requests.send(
                                link.primary(),
                                TlibMessage.create(MessageType.RequestUnregisterAddress)
                                        .thisDN(dn));
                    }
                });
        if (!registered.isDone()) {
            registering.put(dn, registered);
        }
        return registered;
    }

    /**
     * A DN the T-Server did not register (it refused, or did not answer in time, as an overloaded one may) is tried
     * again, on this connection, until it is registered or no longer wanted; a lost connection's resync registers it
     * anyway. The failures are told in one line per second at most, however many DNs fail together.
     */
    private void registrationFailed(String dn, Throwable error) {
        Channel channel = link.primary();
        if (error instanceof LinkDownException || channel == null || link.state() == LinkState.CLOSED) {
            return; // the next resync registers it
        }
        failedRegistrations.add("DN " + dn + ": " + error.getMessage());
        loop.schedule(
                () -> retryRegistration(dn, channel),
                link.config().reconnectDelay().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void retryRegistration(String dn, Channel channel) {
        if (channel != link.primary()
                || !wanted.contains(dn)
                || registeredOnConnection.contains(dn)
                || registering.containsKey(dn)) {
            return; // registered meanwhile, no longer wanted, or the connection is gone (its resync registers it)
        }
        if (link.state() != LinkState.UP) {
            loop.schedule(
                    () -> retryRegistration(dn, channel),
                    link.config().reconnectDelay().toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        registerAndQuery(dn);
    }

    /**
     * A registered DN whose RequestQueryAddress failed (refused, or not answered in time by a T-Server busy with
     * thousands of them) is queried again on this connection until it is answered or no longer wanted: its report is
     * what lets the engine act for the worker at all. A lost connection's resync queries it anyway.
     */
    private void queryFailed(String dn, Channel channel, Throwable failure) {
        Throwable error = Completions.failureOf(failure);
        if (error instanceof LinkDownException || channel != link.primary() || link.state() == LinkState.CLOSED) {
            return; // the next resync queries it
        }
        failedQueries.add("DN " + dn + ": " + error.getMessage());
        loop.schedule(
                () -> {
                    if (channel == link.primary() && wanted.contains(dn) && registeredOnConnection.contains(dn)) {
                        registerAndQuery(dn);
                    }
                },
                link.config().reconnectDelay().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Runs {@code then} on the loop once every future has completed, however. */
    private void whenAllSettled(List<CompletableFuture<TlibMessage>> futures, Runnable then) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .whenCompleteAsync((ignored, error) -> then.run(), loop);
    }

    private static TlibMessage query(String dn) {
        return TlibMessage.create(MessageType.RequestQueryAddress)
                .thisDN(dn)
                .addressInfoType(AddressInfoType.AgentStatus);
    }
}

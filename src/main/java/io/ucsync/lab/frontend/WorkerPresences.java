package io.ucsync.lab.frontend;

import io.ucsync.lab.frontend.FrontEndEmulator.OwnPresence;
import io.ucsync.lab.frontend.FrontEndEmulator.Publication;
import io.ucsync.presence.MsPresCategoriesDocument.StateInstance;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.StatePublication;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each worker shows: the worker's own presence, ucsync's SERVICE publications per container and instance with
 * their MS-PRES versions, and the aggregation rule between them. Apart from the SIP handling and the notifications
 * because the control API, SERVICE requests and every notification read and change the same facts.
 * <p>
 * Not thread-safe: guarded by the front end's lock. Maps are keyed by {@link #key}.
 */
final class WorkerPresences {

    private static final int OFFLINE = 18500;

    private final AtomicLong instances = new AtomicLong(1);
    private final Map<String, OwnPresence> own = new HashMap<>();
    private final Map<String, List<Publication>> publications = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();

    /** Workers are compared case-insensitively, as Lync compares SIP URIs of users. */
    static String key(String sipUri) {
        return sipUri.trim().toLowerCase(Locale.ROOT);
    }

    void setOwn(String sipUri, OwnPresence presence) {
        own.put(key(sipUri), presence);
    }

    /** The worker's own presence, or null when none was set. */
    OwnPresence own(String sipUri) {
        return own.get(key(sipUri));
    }

    /** What ucsync has published for a worker, oldest first. */
    List<Publication> publications(String sipUri) {
        return List.copyOf(publications.getOrDefault(key(sipUri), List.of()));
    }

    /** The version the front end holds for the publication's worker, container and instance (0 before the first). */
    long currentVersion(StatePublication publication) {
        return versions.getOrDefault(versionKey(publication), 0L);
    }

    /**
     * Keeps state publications whose versions were checked: each raises its version, replaces what was published in
     * its container and instance, or removes it. Returns the URIs of the workers they name, in order.
     */
    List<String> publish(List<StatePublication> states) {
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
        return changed;
    }

    private static String versionKey(StatePublication publication) {
        return key(publication.sipUri()) + "|" + publication.container() + "|"
                + Integer.toUnsignedLong(publication.instance());
    }

    /**
     * The aggregation rule: ucsync's newest publication while it has one (as Lync shows a phone state over a user
     * state), else the worker's own presence (Offline when none was ever set).
     */
    StateInstance shown(String worker) {
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

    static String stateType(PresenceSource source) {
        return switch (source) {
            case USER -> "userState";
            case MACHINE -> "machineState";
            case CALENDAR -> "calendarState";
            case PHONE -> "phoneState";
            case AGGREGATE -> "aggregateState";
        };
    }
}

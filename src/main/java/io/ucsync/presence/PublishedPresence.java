package io.ucsync.presence;

import java.util.Objects;

/** A presence ucsync publishes for a worker on the UC side: an availability class and an optional activity token. */
public record PublishedPresence(Availability availability, String activity) {

    public PublishedPresence {
        Objects.requireNonNull(availability, "availability");
    }

    /** Whether a presence that came back from the UC side shows exactly this publication. */
    public boolean isShownBy(Presence presence) {
        return presence.availability() == availability && Objects.equals(presence.activity(), activity);
    }

    /** Reads {@code Availability[/activity]} as written in configuration, e.g. {@code Busy/on-the-phone}; null when it is not one. */
    public static PublishedPresence parse(String text) {
        int slash = text.indexOf('/');
        Availability availability = AvailabilityNames.parse(slash < 0 ? text : text.substring(0, slash));
        if (availability == null || (slash >= 0 && slash == text.length() - 1)) {
            return null;
        }
        return new PublishedPresence(availability, slash < 0 ? null : text.substring(slash + 1));
    }

    @Override
    public String toString() {
        String name = AvailabilityNames.name(availability);
        return activity == null ? name : name + "/" + activity;
    }
}

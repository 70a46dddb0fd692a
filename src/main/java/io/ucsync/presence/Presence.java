package io.ucsync.presence;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One knowledge worker's presence as the UC side reported it, normalized from MS-PRES
 * categories or PIDF/RPID.
 *
 * @param sipUri       the worker's SIP URI, e.g. {@code sip:alice@example.com}
 * @param availability the availability class
 * @param activity     the activity token ({@code on-the-phone}, {@code in-a-meeting}, ...), or null for none
 * @param source       what set it
 * @param publishTime  when the UC side says it was published (or when it was received, if the document has no time)
 */
public record Presence(
        String sipUri, Availability availability, String activity, PresenceSource source, Instant publishTime) {

    public Presence {
        Objects.requireNonNull(sipUri, "sipUri");
        Objects.requireNonNull(availability, "availability");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(publishTime, "publishTime");
    }

    /** As the log, the audit and the pages show it: {@code Busy/in-a-meeting@calendar}. */
    public String describe() {
        return AvailabilityNames.name(availability) + (activity == null ? "" : "/" + activity) + "@"
                + source.name().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code other} says the same (availability, activity and source), whenever it was published. */
    public boolean sameAs(Presence other) {
        return other != null
                && availability == other.availability
                && Objects.equals(activity, other.activity)
                && source == other.source;
    }
}

package io.ucsync.sip;

import io.ucsync.presence.Availability;
import java.util.Objects;

/**
 * What the producer of {@code sip-presence} publishes for one knowledge worker: a presence to show, or the
 * removal of what ucsync published before (so the worker's own presence shows again).
 *
 * @param sipUri       the worker's SIP URI
 * @param availability the availability to show; ignored when removing
 * @param activity     an activity token (MS-PRES {@code on-the-phone}, RPID {@code on-the-phone}, ...), or null
 * @param remove       true to withdraw ucsync's publication for the worker
 */
public record PresencePublication(String sipUri, Availability availability, String activity, boolean remove) {

    public PresencePublication {
        Objects.requireNonNull(sipUri, "sipUri");
        if (!remove) {
            Objects.requireNonNull(availability, "availability");
        }
    }

    /** Publishes {@code availability} (and an optional activity) for the worker. */
    public static PresencePublication publish(String sipUri, Availability availability, String activity) {
        return new PresencePublication(sipUri, availability, activity, false);
    }

    /** Withdraws ucsync's publication for the worker. */
    public static PresencePublication remove(String sipUri) {
        return new PresencePublication(sipUri, null, null, true);
    }
}

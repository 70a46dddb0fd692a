package io.ucsync.presence;

import java.util.Map;
import java.util.Set;

/**
 * What each RPID activity (RFC 4480 section 3.2) means for availability, and which MS-PRES activity
 * token stands for it, so one presence map serves both protocols: {@code meeting} and
 * {@code appointment} become {@code in-a-meeting}, {@code vacation} and {@code holiday} become
 * {@code out-of-office}, {@code presentation} becomes {@code in-presentation}; {@code busy} and
 * {@code away} need no token (the availability says it all); the others keep their RPID name.
 * {@code working}, {@code unknown} and {@code other} change nothing.
 */
final class RpidActivities {

    /** What an activity means: the availability class it implies and the activity token to report, or null for none. */
    record Meaning(Availability availability, String activityToken) {}

    private static final Map<String, Meaning> MEANINGS = Map.ofEntries(
            Map.entry("busy", new Meaning(Availability.BUSY, null)),
            Map.entry("on-the-phone", new Meaning(Availability.BUSY, "on-the-phone")),
            Map.entry("meeting", new Meaning(Availability.BUSY, "in-a-meeting")),
            Map.entry("appointment", new Meaning(Availability.BUSY, "in-a-meeting")),
            Map.entry("presentation", new Meaning(Availability.BUSY, "in-presentation")),
            Map.entry("performance", new Meaning(Availability.BUSY, "performance")),
            Map.entry("away", new Meaning(Availability.AWAY, null)),
            Map.entry("vacation", new Meaning(Availability.AWAY, "out-of-office")),
            Map.entry("holiday", new Meaning(Availability.AWAY, "out-of-office")),
            Map.entry("permanent-absence", new Meaning(Availability.AWAY, "permanent-absence")),
            Map.entry("travel", new Meaning(Availability.AWAY, "travel")),
            Map.entry("in-transit", new Meaning(Availability.AWAY, "in-transit")),
            Map.entry("steering", new Meaning(Availability.AWAY, "steering")),
            Map.entry("meal", new Meaning(Availability.AWAY, "meal")),
            Map.entry("breakfast", new Meaning(Availability.AWAY, "breakfast")),
            Map.entry("dinner", new Meaning(Availability.AWAY, "dinner")),
            Map.entry("sleeping", new Meaning(Availability.AWAY, "sleeping")),
            Map.entry("shopping", new Meaning(Availability.AWAY, "shopping")),
            Map.entry("playing", new Meaning(Availability.AWAY, "playing")),
            Map.entry("spectator", new Meaning(Availability.AWAY, "spectator")),
            Map.entry("tv", new Meaning(Availability.AWAY, "tv")),
            Map.entry("worship", new Meaning(Availability.AWAY, "worship")),
            Map.entry("looking-for-work", new Meaning(Availability.AWAY, "looking-for-work")));

    /** Activities that say nothing about availability; they may be published but read as plain open. */
    private static final Set<String> NEUTRAL = Set.of("working", "unknown");

    /** MS-PRES tokens with an RPID counterpart (the reverse of the table above, for publishing). */
    private static final Map<String, String> RPID_FOR_TOKEN = Map.of(
            "on-the-phone", "on-the-phone",
            "in-a-meeting", "meeting",
            "in-a-conference", "meeting",
            "out-of-office", "vacation",
            "in-presentation", "presentation");

    private RpidActivities() {}

    /** The meaning of an RPID activity element name, or null when it does not change availability. */
    static Meaning meaningOf(String rpidName) {
        return MEANINGS.get(rpidName);
    }

    static boolean isPublishable(String rpidName) {
        return MEANINGS.containsKey(rpidName) || NEUTRAL.contains(rpidName);
    }

    /** The RPID activity for an MS-PRES activity token or an RPID name, or null when RPID has none. */
    static String rpidFor(String activityToken) {
        if (activityToken == null) {
            return null;
        }
        String mapped = RPID_FOR_TOKEN.get(activityToken);
        if (mapped != null) {
            return mapped;
        }
        return isPublishable(activityToken) ? activityToken : null;
    }
}

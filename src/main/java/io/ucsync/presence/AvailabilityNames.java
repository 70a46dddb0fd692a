package io.ucsync.presence;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The availability names an admin writes in configuration: Online, Idle, Busy, BusyIdle, DoNotDisturb, BeRightBack, Away, Offline, Unknown. */
public final class AvailabilityNames {

    public static final String ALL =
            Arrays.stream(Availability.values()).map(AvailabilityNames::name).collect(Collectors.joining(", "));

    private AvailabilityNames() {}

    public static String name(Availability availability) {
        StringBuilder name = new StringBuilder();
        for (String word : availability.name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    /** The availability with this configuration name (case-insensitive), or null. */
    public static Availability parse(String text) {
        for (Availability availability : Availability.values()) {
            if (name(availability).equalsIgnoreCase(text)) {
                return availability;
            }
        }
        return null;
    }
}

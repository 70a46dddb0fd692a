package io.ucsync.lab.frontend;

import io.ucsync.lab.control.LineControlServer;
import io.ucsync.presence.PresenceSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The front-end emulator's control commands (src/main/docs/emulators.md "UC front-end emulator"), a thin parser over
 * its API.
 */
final class ControlCommands {

    static final String USAGE =
            "commands: presence SIP_URI AVAILABILITY [ACTIVITY_TOKEN|-] [user|machine|calendar|phone]"
                    + " | subscriptions | stats | publications SIP_URI | drop-subscriptions | unavailable [RETRY_AFTER_SECONDS] | available";

    private ControlCommands() {}

    static Map<String, Object> run(FrontEndEmulator emulator, String[] words) {
        switch (words[0]) {
            case "presence" -> {
                LineControlServer.requireArguments(words, 2, 4, USAGE);
                int availability;
                try {
                    availability = Integer.parseInt(words[2]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "AVAILABILITY is an MS-PRES number such as 3500, 6500 or 15500, not '" + words[2] + "'");
                }
                String activity = words.length > 3 && !"-".equals(words[3]) ? words[3] : null;
                PresenceSource source = words.length > 4 ? source(words[4]) : PresenceSource.USER;
                emulator.presence(words[1], availability, activity, source);
                return Map.of();
            }
            case "subscriptions" -> {
                LineControlServer.requireArguments(words, 0, 0, USAGE);
                return Map.of(
                        "subscriptions",
                        emulator.subscriptions().stream()
                                .map(ControlCommands::subscription)
                                .toList());
            }
            case "stats" -> {
                LineControlServer.requireArguments(words, 0, 0, USAGE);
                FrontEndEmulator.Stats stats = emulator.stats();
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("subscriptions", stats.subscriptions());
                fields.put("watched", stats.watched());
                fields.put("received", stats.stack().received());
                fields.put("queued", stats.stack().queued());
                fields.put("removedAsStuck", stats.stack().removedAsStuck());
                fields.put("udpReceiveDrops", stats.stack().udpReceiveDrops());
                return fields;
            }
            case "publications" -> {
                LineControlServer.requireArguments(words, 1, 1, USAGE);
                return Map.of("publications", emulator.publications(words[1]));
            }
            case "drop-subscriptions" -> {
                LineControlServer.requireArguments(words, 0, 0, USAGE);
                return Map.of("dropped", emulator.dropSubscriptions());
            }
            case "unavailable" -> {
                LineControlServer.requireArguments(words, 0, 1, USAGE);
                int retryAfter;
                try {
                    retryAfter = words.length > 1 ? Integer.parseInt(words[1]) : 0;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "RETRY_AFTER_SECONDS is a number of seconds, not '" + words[1] + "'");
                }
                emulator.unavailable(retryAfter);
                return Map.of();
            }
            case "available" -> {
                LineControlServer.requireArguments(words, 0, 0, USAGE);
                emulator.available();
                return Map.of();
            }
            default -> throw new IllegalArgumentException("unknown command '" + words[0] + "'; " + USAGE);
        }
    }

    /** watcher, target, expires: in this order, for people reading the reply. */
    private static Map<String, String> subscription(FrontEndEmulator.SubscriptionInfo subscription) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("watcher", subscription.watcher());
        fields.put("target", subscription.target());
        fields.put("expires", subscription.expires().toString());
        return fields;
    }

    private static PresenceSource source(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "user" -> PresenceSource.USER;
            case "machine" -> PresenceSource.MACHINE;
            case "calendar" -> PresenceSource.CALENDAR;
            case "phone" -> PresenceSource.PHONE;
            default ->
                throw new IllegalArgumentException("SOURCE is user, machine, calendar or phone, not '" + word + "'");
        };
    }
}

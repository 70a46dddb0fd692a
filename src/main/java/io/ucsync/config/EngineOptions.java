package io.ucsync.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.presence.AvailabilityNames;

/**
 * The engine's options, named as Genesys UC Connector admins know them, read from the {@code ucsync.*}
 * keys of application.properties. Unknown {@code ucsync.} engine keys and bad values are refused.
 *
 * @param syncMode              integration: presence drives agent state; connector: agent state is published as presence
 * @param onCallStatus          the presence published while the worker's DN has a call (integration mode)
 * @param onCallStatusEnabled   whether the on-call presence is published at all
 * @param notReadyTimeout       how long a worker stays NotReady after declining a preview
 * @param previewDeclineReason  the reason code while the preview-decline window is open
 * @param contactCenterDndReason the reason code while the worker's contact-center Do-Not-Disturb is on
 */
public record EngineOptions(SyncMode syncMode, PublishedPresence onCallStatus, boolean onCallStatusEnabled, Duration notReadyTimeout,
                            String previewDeclineReason, String contactCenterDndReason) {

    public enum SyncMode { INTEGRATION, CONNECTOR }

    static final String PREFIX = "ucsync.";
    static final String SYNC_MODE = "ucsync.presence-sync-mode";
    static final String ONCALL_STATUS = "ucsync.oncall-status";
    static final String ONCALL_STATUS_ENABLED = "ucsync.oncall-status-enabled";
    static final String NOTREADY_TIMEOUT = "ucsync.notready-timeout";
    static final String PREVIEW_DECLINE_REASON = "ucsync.preview-decline-reason";
    static final String CC_DND_REASON = "ucsync.cc-dnd-reason";

    private static final Map<String, String> DEFAULTS = Map.of(
            SYNC_MODE, "integration",
            ONCALL_STATUS, "DoNotDisturb",
            ONCALL_STATUS_ENABLED, "true",
            NOTREADY_TIMEOUT, "5m",
            PREVIEW_DECLINE_REASON, "PreviewDeclined",
            CC_DND_REASON, "CCDoNotDisturb");

    public static EngineOptions defaults() {
        try {
            return from("defaults", new Properties(), Set.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("the built-in defaults are invalid", e);
        }
    }

    /**
     * Reads the engine options from properties.
     *
     * @param otherUcsyncKeys {@code ucsync.*} keys that other parts of ucsync own (they are not refused as unknown)
     */
    public static EngineOptions from(String fileName, Properties properties, Set<String> otherUcsyncKeys) throws ConfigException {
        ConfigProblems problems = new ConfigProblems(fileName);
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(PREFIX) && !DEFAULTS.containsKey(key) && otherUcsyncKeys.stream().noneMatch(key::startsWith)) {
                problems.whole("unknown option " + key, "check the spelling; engine options are " + DEFAULTS.keySet());
            }
        }
        SyncMode syncMode = null;
        String mode = value(properties, SYNC_MODE);
        try {
            syncMode = SyncMode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.whole(SYNC_MODE + "=" + mode + " is not a sync mode", "use integration or connector");
        }
        PublishedPresence onCallStatus = PublishedPresence.parse(value(properties, ONCALL_STATUS));
        if (onCallStatus == null) {
            problems.whole(ONCALL_STATUS + "=" + value(properties, ONCALL_STATUS) + " is not Availability[/activity]",
                    "use one of " + AvailabilityNames.ALL + ", e.g. DoNotDisturb or Busy/on-the-phone");
        }
        String enabled = value(properties, ONCALL_STATUS_ENABLED);
        if (!enabled.equals("true") && !enabled.equals("false")) {
            problems.whole(ONCALL_STATUS_ENABLED + "=" + enabled + " is not a boolean", "use true or false");
        }
        Duration timeout = parseDuration(value(properties, NOTREADY_TIMEOUT));
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            problems.whole(NOTREADY_TIMEOUT + "=" + value(properties, NOTREADY_TIMEOUT) + " is not a positive duration",
                    "write e.g. 300s, 5m or PT5M");
        }
        for (String reasonKey : new String[] {PREVIEW_DECLINE_REASON, CC_DND_REASON}) {
            if (value(properties, reasonKey).isBlank() || value(properties, reasonKey).contains(" ")) {
                problems.whole(reasonKey + " must be a reason code without spaces", "write e.g. PreviewDeclined");
            }
        }
        problems.throwIfAny();
        return new EngineOptions(syncMode, onCallStatus, Boolean.parseBoolean(enabled), timeout,
                value(properties, PREVIEW_DECLINE_REASON), value(properties, CC_DND_REASON));
    }

    private static String value(Properties properties, String key) {
        return properties.getProperty(key, DEFAULTS.get(key)).trim();
    }

    /** Reads {@code 300s}, {@code 5m}, {@code 1h} or ISO-8601 {@code PT5M}; null when it is none of them. */
    static Duration parseDuration(String text) {
        try {
            if (text.matches("\\d+[smh]")) {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
            return Duration.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }
}

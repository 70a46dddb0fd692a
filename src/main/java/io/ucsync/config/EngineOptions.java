package io.ucsync.config;

import io.ucsync.presence.AvailabilityNames;
import io.ucsync.presence.PublishedPresence;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's options, named as Genesys UC Connector admins know them, read from the {@code ucsync.*}
 * keys of application.properties. Unknown {@code ucsync.} engine keys and bad values are refused.
 *
 * @param syncMode              integration: presence drives agent state; connector: agent state is published as presence
 * @param onCallStatus          the presence published while the worker is on a call (integration mode)
 * @param pushStatus            whether the on-call presence is published at all
 * @param onCallTrigger         what counts as being on a call: an answered call, or also one that only rings
 * @param notReadyTimeout       how long a worker stays NotReady after declining a preview
 * @param previewDeclineReason  the reason code while the preview-decline window is open
 * @param contactCenterDndReason the reason code while the worker's contact-center Do-Not-Disturb is on
 * @param externalChanges       what ucsync does when another T-Server client changes an agent's state
 */
public record EngineOptions(
        SyncMode syncMode,
        PublishedPresence onCallStatus,
        boolean pushStatus,
        OnCallTrigger onCallTrigger,
        Duration notReadyTimeout,
        String previewDeclineReason,
        String contactCenterDndReason,
        ExternalChanges externalChanges) {

    public enum SyncMode {
        INTEGRATION,
        CONNECTOR
    }

    /** When a call makes the worker "on a call" (for the on-call presence, and OnCall in connector mode). */
    public enum OnCallTrigger {
        /** Once the call is answered: a call that rings and is never answered shows nothing. */
        ESTABLISHED,
        /** As soon as it rings (or is dialled). */
        RINGING
    }

    /** What ucsync does when an agent's state is changed by another T-Server client or by the T-Server itself. */
    public enum ExternalChanges {
        /** The change stands until one of ucsync's own inputs for that worker changes. */
        RESPECT,
        /** The UC presence rules: ucsync answers the change once per own input, then leaves a further one as it is. */
        REVERT
    }

    static final String PREFIX = "ucsync.";
    static final String SYNC_MODE = "ucsync.presence-sync-mode";
    static final String ONCALL_STATUS = "ucsync.oncall-status";
    static final String PUSH_STATUS = "ucsync.push-status";
    /** The old name of {@link #PUSH_STATUS}, still read. */
    static final String ONCALL_STATUS_ENABLED = "ucsync.oncall-status-enabled";

    static final String ONCALL_TRIGGER = "ucsync.oncall-trigger";
    static final String EXTERNAL_CHANGES = "ucsync.external-changes";
    static final String NOTREADY_TIMEOUT = "ucsync.notready-timeout";
    static final String PREVIEW_DECLINE_REASON = "ucsync.preview-decline-reason";
    static final String CC_DND_REASON = "ucsync.cc-dnd-reason";

    private static final Logger LOG = LoggerFactory.getLogger(EngineOptions.class);
    private static final Map<String, String> DEFAULTS = Map.of(
            SYNC_MODE, "integration",
            ONCALL_STATUS, "DoNotDisturb",
            PUSH_STATUS, "true",
            ONCALL_TRIGGER, "established",
            EXTERNAL_CHANGES, "respect",
            NOTREADY_TIMEOUT, "5m",
            PREVIEW_DECLINE_REASON, "PreviewDeclined",
            CC_DND_REASON, "CCDoNotDisturb");

    /**
     * The engine options' defaults, by key: the one place they are stated (the shipped application.properties and
     * src/main/docs/configuration.md are checked against it by UcsyncSettingsTest).
     */
    public static Map<String, String> defaultValues() {
        return DEFAULTS;
    }

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
    public static EngineOptions from(String fileName, Properties properties, Set<String> otherUcsyncKeys)
            throws ConfigException {
        ConfigProblems problems = new ConfigProblems(fileName);
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(PREFIX)
                    && !DEFAULTS.containsKey(key)
                    && !key.equals(ONCALL_STATUS_ENABLED)
                    && otherUcsyncKeys.stream().noneMatch(key::startsWith)) {
                problems.whole("unknown option " + key, "check the spelling; engine options are " + DEFAULTS.keySet());
            }
        }
        SyncMode syncMode = choice(properties, SYNC_MODE, SyncMode.class, problems);
        PublishedPresence onCallStatus = PublishedPresence.parse(value(properties, ONCALL_STATUS));
        if (onCallStatus == null) {
            problems.whole(
                    ONCALL_STATUS + "=" + value(properties, ONCALL_STATUS) + " is not Availability[/activity]",
                    "use one of " + AvailabilityNames.ALL + ", e.g. DoNotDisturb or Busy/on-the-phone");
        }
        String pushStatusKey = PUSH_STATUS;
        if (!properties.containsKey(PUSH_STATUS) && properties.containsKey(ONCALL_STATUS_ENABLED)) {
            pushStatusKey = ONCALL_STATUS_ENABLED;
            LOG.warn("{}: {} is deprecated, read as {}: rename it", fileName, ONCALL_STATUS_ENABLED, PUSH_STATUS);
        }
        String pushStatus =
                properties.getProperty(pushStatusKey, DEFAULTS.get(PUSH_STATUS)).trim();
        if (!pushStatus.equals("true") && !pushStatus.equals("false")) {
            problems.whole(pushStatusKey + "=" + pushStatus + " is not a boolean", "use true or false");
        }
        OnCallTrigger onCallTrigger = choice(properties, ONCALL_TRIGGER, OnCallTrigger.class, problems);
        ExternalChanges externalChanges = choice(properties, EXTERNAL_CHANGES, ExternalChanges.class, problems);
        Duration timeout = parseDuration(value(properties, NOTREADY_TIMEOUT));
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            problems.whole(
                    NOTREADY_TIMEOUT + "=" + value(properties, NOTREADY_TIMEOUT) + " is not a positive duration",
                    "write e.g. 300s, 5m or PT5M");
        }
        for (String reasonKey : new String[] {PREVIEW_DECLINE_REASON, CC_DND_REASON}) {
            if (!value(properties, reasonKey).matches("\\S+")) {
                problems.whole(reasonKey + " must be a reason code without spaces", "write e.g. PreviewDeclined");
            }
        }
        problems.throwIfAny();
        return new EngineOptions(
                syncMode,
                onCallStatus,
                Boolean.parseBoolean(pushStatus),
                onCallTrigger,
                timeout,
                value(properties, PREVIEW_DECLINE_REASON),
                value(properties, CC_DND_REASON),
                externalChanges);
    }

    /** A value that names one of an enum's constants, written in lower case ({@code revert}); null after a problem. */
    private static <E extends Enum<E>> E choice(
            Properties properties, String key, Class<E> type, ConfigProblems problems) {
        String text = value(properties, key);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        List<String> choices = Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT))
                .toList();
        problems.whole(
                key + "=" + text + " is not one of " + String.join(", ", choices),
                "use " + String.join(" or ", choices));
        return null;
    }

    /** Whether a ringing (or dialled) call already counts as being on a call. */
    public boolean ringingCounts() {
        return onCallTrigger == OnCallTrigger.RINGING;
    }

    private static String value(Properties properties, String key) {
        return properties.getProperty(key, DEFAULTS.get(key)).trim();
    }

    /** Reads {@code 300s}, {@code 5m}, {@code 1h} or ISO-8601 {@code PT5M}; null when it is none of them. */
    public static Duration parseDuration(String text) {
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

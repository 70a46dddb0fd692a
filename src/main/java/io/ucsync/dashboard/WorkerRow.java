package io.ucsync.dashboard;

import io.ucsync.config.RosterEntry;
import io.ucsync.engine.AgentState;
import io.ucsync.engine.WorkerFacts;
import io.ucsync.presence.Availability;
import io.ucsync.presence.AvailabilityNames;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the dashboard counts and filters one worker by, kept for every rostered worker: a few fields each, so that
 * 100,000 of them stay small; what a page shows of a worker is read from the worker's view when it is shown.
 *
 * @param partition    the worker's partition (its owner is looked up when needed: ownership moves, the partition does not)
 * @param agentState   the agent-state group: {@code Ready}, {@code NotReady}, {@code LoggedOut} or {@code unknown}
 * @param reason       the NotReady reason code, or null
 * @param presence     the availability name of the worker's own presence ({@code Online}, {@code Busy}...), or
 *                     {@code none} before the UC side told any
 * @param drift        whether ucsync computes another agent state than the one the T-Server reports
 * @param flags        the {@link Flag}s that hold, as a bit set
 * @param offerExpires when the preview offered to the worker is withdrawn, or null when none is
 */
record WorkerRow(
        String sipUri,
        String dn,
        String agentId,
        String tserver,
        String pool,
        int partition,
        String agentState,
        String reason,
        String presence,
        boolean drift,
        int flags,
        Instant offerExpires) {

    static final String NO_PRESENCE = "none";
    static final String UNKNOWN_STATE = "unknown";
    /** One string per availability name, shared by every row. */
    private static final Map<Availability, String> PRESENCE_NAMES = new EnumMap<>(Availability.class);

    static {
        for (Availability availability : Availability.values()) {
            PRESENCE_NAMES.put(availability, AvailabilityNames.name(availability));
        }
    }

    /** What a worker may be flagged with, by the name the API and the page use. */
    enum Flag {
        CONTACT_CENTER_DND("contactCenterDnd"),
        ON_CALL("onCall"),
        CALL_RINGING("callRinging"),
        EXTERNAL_CHANGE("externalChange"),
        PREVIEW_DECLINED("previewDeclined"),
        PREVIEW_OFFERED("previewOffered"),
        PUBLISHING("publishing");

        final String apiName;

        Flag(String apiName) {
            this.apiName = apiName;
        }

        int bit() {
            return 1 << ordinal();
        }

        static Flag byApiName(String name) {
            for (Flag flag : values()) {
                if (flag.apiName.equals(name)) {
                    return flag;
                }
            }
            return null;
        }
    }

    /** The row of a rostered worker from their facts and the view the engine computes from them. */
    static WorkerRow of(RosterEntry worker, WorkerFacts facts, Map<String, Object> view) {
        AgentState reported = facts.reportedAgentState();
        int flags = (Boolean.TRUE.equals(view.get("contactCenterDnd")) ? Flag.CONTACT_CENTER_DND.bit() : 0)
                | (Boolean.TRUE.equals(view.get("onCall")) ? Flag.ON_CALL.bit() : 0)
                | (Boolean.TRUE.equals(view.get("callRinging")) ? Flag.CALL_RINGING.bit() : 0)
                | (view.get("externalChange") != null ? Flag.EXTERNAL_CHANGE.bit() : 0)
                | (view.get("previewDeclinedUntil") != null ? Flag.PREVIEW_DECLINED.bit() : 0)
                | (view.get("previewOffered") != null ? Flag.PREVIEW_OFFERED.bit() : 0)
                | (view.get("published") != null ? Flag.PUBLISHING.bit() : 0);
        Object offer = view.get("previewOffered");
        Instant offerExpires = offer instanceof Map<?, ?> open ? Instant.parse((String) open.get("expires")) : null;
        int partition = view.get("partition") instanceof Number number ? number.intValue() : 0;
        return new WorkerRow(
                worker.sipUri(),
                worker.dn(),
                worker.agentId(),
                worker.tserver(),
                worker.poolOrDefault(),
                partition,
                group(reported),
                reported instanceof AgentState.NotReady notReady ? notReady.reasonCode() : null,
                facts.ownPresence() == null
                        ? NO_PRESENCE
                        : PRESENCE_NAMES.get(facts.ownPresence().availability()),
                drifts(view),
                flags,
                offerExpires);
    }

    /** Whether ucsync computes another agent state for the worker than the one the T-Server reports (none reported: it does). */
    static boolean drifts(Map<String, Object> view) {
        Object desired = view.get("desiredAgentState");
        return desired != null && !desired.equals(view.get("agentState"));
    }

    /** The group an agent state is counted in. */
    static String group(AgentState state) {
        if (state == null) {
            return UNKNOWN_STATE;
        }
        return state instanceof AgentState.NotReady ? "NotReady" : state.toString();
    }

    boolean has(Flag flag) {
        return (flags & flag.bit()) != 0;
    }
}

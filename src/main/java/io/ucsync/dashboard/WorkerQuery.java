package io.ucsync.dashboard;

import io.ucsync.http.RequestRefused;
import io.ucsync.presence.Availability;
import io.ucsync.presence.AvailabilityNames;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Which workers the dashboard's table shows, and which page of them: filters that all apply (none set: every worker),
 * in roster order from {@code offset}, at most {@code limit} of them. Read from the request's parameters, the same
 * for the REST API ({@code GET /api/dashboard/workers}) and the live stream ({@code GET /api/dashboard/events}).
 *
 * @param worker   one worker's SIP URI, exactly (the worker's page follows one worker), or null
 * @param state    an agent-state group ({@code Ready}, {@code NotReady}, {@code LoggedOut}, {@code unknown}), or null
 * @param presence an availability name, or {@code none}, or null
 * @param drift    true: only workers whose agent state differs from the one ucsync computes; false: only the others
 * @param owner    the id of the node that owns the worker's partition now, or null
 * @param text     a part of the SIP URI, DN or AgentID, in any case, or null
 */
record WorkerQuery(
        String worker,
        String state,
        String presence,
        Boolean drift,
        String tserver,
        String pool,
        String owner,
        WorkerRow.Flag flag,
        String text,
        int offset,
        int limit) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    private static final int MAX_TEXT = 200;
    static final List<String> STATES = List.of("Ready", "NotReady", "LoggedOut", WorkerRow.UNKNOWN_STATE);
    static final List<String> PRESENCES = Stream.concat(
                    Arrays.stream(Availability.values()).map(AvailabilityNames::name), Stream.of(WorkerRow.NO_PRESENCE))
            .toList();

    /**
     * The query a request's parameters ask for; a parameter not given (or empty) does not filter.
     *
     * @throws RequestRefused 400 naming the parameter that has a value the dashboard does not know
     */
    static WorkerQuery from(Function<String, String> parameter) {
        String state = optional(parameter, "state");
        if (state != null && !STATES.contains(state)) {
            throw RequestRefused.badRequest("state must be one of " + STATES);
        }
        String presence = optional(parameter, "presence");
        if (presence != null && !PRESENCES.contains(presence)) {
            throw RequestRefused.badRequest("presence must be one of " + PRESENCES);
        }
        String drift = optional(parameter, "drift");
        if (drift != null && !drift.equals("true") && !drift.equals("false")) {
            throw RequestRefused.badRequest("drift must be true or false");
        }
        String flagName = optional(parameter, "flag");
        WorkerRow.Flag flag = flagName == null ? null : WorkerRow.Flag.byApiName(flagName);
        if (flagName != null && flag == null) {
            throw RequestRefused.badRequest("flag must be one of "
                    + Arrays.stream(WorkerRow.Flag.values()).map(f -> f.apiName).toList());
        }
        return new WorkerQuery(
                optional(parameter, "worker"),
                state,
                presence,
                drift == null ? null : Boolean.valueOf(drift),
                optional(parameter, "tserver"),
                optional(parameter, "pool"),
                optional(parameter, "owner"),
                flag,
                optional(parameter, "q"),
                number(parameter, "offset", 0, 0, Integer.MAX_VALUE),
                number(parameter, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
    }

    /**
     * @param ownerOf the node that owns a partition now, as far as this node knows (looked up only with an owner filter)
     */
    boolean matches(WorkerRow row, IntFunction<Optional<String>> ownerOf) {
        return (worker == null || worker.equals(row.sipUri()))
                && (state == null || state.equals(row.agentState()))
                && (presence == null || presence.equals(row.presence()))
                && (drift == null || drift == row.drift())
                && (tserver == null || tserver.equals(row.tserver()))
                && (pool == null || pool.equals(row.pool()))
                && (owner == null
                        || ownerOf.apply(row.partition()).filter(owner::equals).isPresent())
                && (flag == null || row.has(flag))
                && (text == null
                        || contains(row.sipUri(), text)
                        || contains(row.dn(), text)
                        || contains(row.agentId(), text));
    }

    /** Without building a lower-case copy of every worker's fields for every query. */
    private static boolean contains(String field, String part) {
        if (field == null) {
            return false;
        }
        for (int i = 0; i + part.length() <= field.length(); i++) {
            if (field.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }

    private static String optional(Function<String, String> parameter, String name) {
        String value = parameter.apply(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_TEXT) {
            throw RequestRefused.badRequest(name + " is longer than " + MAX_TEXT + " characters");
        }
        return value;
    }

    private static int number(Function<String, String> parameter, String name, int absent, int min, int max) {
        String value = optional(parameter, name);
        if (value == null) {
            return absent;
        }
        if (!value.matches("\\d{1,9}") || Integer.parseInt(value) < min || Integer.parseInt(value) > max) {
            throw RequestRefused.badRequest(name + " must be a number from " + min + " to " + max);
        }
        return Integer.parseInt(value);
    }
}

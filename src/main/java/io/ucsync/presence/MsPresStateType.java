package io.ucsync.presence;

/**
 * The concrete {@code xsi:type} values of an MS-PRES {@code state} category instance and what each
 * says about where the state came from.
 */
enum MsPresStateType {
    AGGREGATE_STATE("aggregateState", PresenceSource.AGGREGATE),
    AGGREGATE_MACHINE_STATE("aggregateMachineState", PresenceSource.MACHINE),
    USER_STATE("userState", PresenceSource.USER),
    MACHINE_STATE("machineState", PresenceSource.MACHINE),
    PHONE_STATE("phoneState", PresenceSource.PHONE),
    CALENDAR_STATE("calendarState", PresenceSource.CALENDAR);

    private final String xsiType;
    private final PresenceSource source;

    MsPresStateType(String xsiType, PresenceSource source) {
        this.xsiType = xsiType;
        this.source = source;
    }

    String xsiType() {
        return xsiType;
    }

    PresenceSource source() {
        return source;
    }

    /** The type for an {@code xsi:type} value (a namespace prefix is ignored), or null for one this reader does not know. */
    static MsPresStateType fromXsiType(String value) {
        if (value == null) {
            return null;
        }
        String local = value.substring(value.indexOf(':') + 1).trim();
        for (MsPresStateType type : values()) {
            if (type.xsiType.equals(local)) {
                return type;
            }
        }
        return null;
    }

    static MsPresStateType requireXsiType(String value) {
        MsPresStateType type = fromXsiType(value);
        if (type == null || value.contains(":")) {
            throw new IllegalArgumentException(
                    "state type must be one of aggregateState, aggregateMachineState, userState,"
                            + " machineState, phoneState, calendarState: " + value);
        }
        return type;
    }
}

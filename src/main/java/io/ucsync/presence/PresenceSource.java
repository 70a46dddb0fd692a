package io.ucsync.presence;

/** Where a presence came from: set by the worker, derived from the machine, the calendar or the phone, or aggregated by the server. */
public enum PresenceSource {
    USER,
    MACHINE,
    CALENDAR,
    PHONE,
    AGGREGATE
}

package io.ucsync.presence;

/**
 * The availability class of a knowledge worker's presence, the one vocabulary that MS-PRES
 * availability numbers and PIDF/RPID documents are both normalized to.
 */
public enum Availability {
    ONLINE,
    IDLE,
    BUSY,
    BUSY_IDLE,
    DO_NOT_DISTURB,
    BE_RIGHT_BACK,
    AWAY,
    OFFLINE,
    UNKNOWN;

    /**
     * Maps an MS-PRES availability number by range, not by exact value (MS-PRES and the Lync
     * schema define ranges; clients publish any value inside them). 0 and negative mean none.
     */
    public static Availability fromMsPres(int value) {
        if (value <= 0) {
            return UNKNOWN;
        }
        if (value < 4500) {
            return ONLINE;
        }
        if (value < 6000) {
            return IDLE;
        }
        if (value < 7500) {
            return BUSY;
        }
        if (value < 9000) {
            return BUSY_IDLE;
        }
        if (value < 12000) {
            return DO_NOT_DISTURB;
        }
        if (value < 15000) {
            return BE_RIGHT_BACK;
        }
        if (value < 18000) {
            return AWAY;
        }
        return OFFLINE;
    }

    /** The representative MS-PRES number of this class (the Lync ContactAvailability values). */
    public int msPresValue() {
        return switch (this) {
            case ONLINE -> 3500;
            case IDLE -> 5000;
            case BUSY -> 6500;
            case BUSY_IDLE -> 7500;
            case DO_NOT_DISTURB -> 9500;
            case BE_RIGHT_BACK -> 12500;
            case AWAY -> 15500;
            case OFFLINE -> 18500;
            case UNKNOWN -> 0;
        };
    }
}

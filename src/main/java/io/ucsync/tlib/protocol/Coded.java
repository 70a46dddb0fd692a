package io.ucsync.tlib.protocol;

/** An enumeration whose constants travel on the wire as TLW/1 numbers. */
public interface Coded {

    int code();

    /** The constant of {@code type} with this number, or null when the enumeration has none. */
    static <E extends Enum<E> & Coded> E byCode(Class<E> type, int code) {
        for (E constant : type.getEnumConstants()) {
            if (constant.code() == code) {
                return constant;
            }
        }
        return null;
    }
}

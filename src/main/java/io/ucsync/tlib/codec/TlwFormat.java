package io.ucsync.tlib.codec;

/** The fixed numbers of a TLW/1 frame header (src/main/docs/tlw1.md section 1). */
final class TlwFormat {

    static final int LENGTH_FIELD_BYTES = 4;
    /** magic 'T' 'L', version, kind: what every frame's length counts at least. */
    static final int HEADER_BYTES = 4;

    static final byte MAGIC_T = 0x54;
    static final byte MAGIC_L = 0x4C;
    static final byte VERSION = 1;
    static final byte KIND_MESSAGE = 0;
    static final byte KIND_PING = 1;
    static final byte KIND_PONG = 2;
    /** u16 attrId, u8 valueType, u32 valueLength. */
    static final int ATTRIBUTE_HEADER_BYTES = 7;
    /** An attribute's kvlist is level 1; deeper than this is refused. */
    static final int MAX_KVLIST_DEPTH = 8;

    private TlwFormat() {}
}

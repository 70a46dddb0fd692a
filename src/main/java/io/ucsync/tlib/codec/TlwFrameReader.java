package io.ucsync.tlib.codec;

import static io.ucsync.tlib.codec.TlwFormat.ATTRIBUTE_HEADER_BYTES;
import static io.ucsync.tlib.codec.TlwFormat.HEADER_BYTES;
import static io.ucsync.tlib.codec.TlwFormat.MAX_KVLIST_DEPTH;

import io.netty.buffer.ByteBuf;
import io.ucsync.tlib.protocol.AttributeId;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.KeepAliveFrame;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.KeyValuePair;
import io.ucsync.tlib.protocol.KvType;
import io.ucsync.tlib.protocol.TlibMessage;
import io.ucsync.tlib.protocol.ValueType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the content of one TLW/1 frame (everything after the length field) into a {@link TlibMessage}
 * or a {@link KeepAliveFrame}, checking every rule of src/main/docs/tlw1.md section 1. It only reads the buffer it is
 * given: nothing it allocates is larger than that frame.
 */
final class TlwFrameReader {

    private static final ThreadLocal<CharsetDecoder> STRICT_UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));

    private TlwFrameReader() {}

    /** Checks a frame's length field against the bounds of src/main/docs/tlw1.md section 1. */
    static void checkLength(long length, int maxFrameSize) {
        if (length < HEADER_BYTES || length > maxFrameSize) {
            throw new TlwProtocolException(
                    TlwViolation.LENGTH_OUT_OF_RANGE, "length " + length + ", maximum " + maxFrameSize);
        }
    }

    /** Checks the magic, version and kind, which are readable as soon as the first 8 bytes of a frame are in. */
    static void checkHeader(ByteBuf buf, int index) {
        if (buf.getByte(index) != TlwFormat.MAGIC_T || buf.getByte(index + 1) != TlwFormat.MAGIC_L) {
            throw new TlwProtocolException(
                    TlwViolation.BAD_MAGIC, String.format("0x%02x%02x", buf.getByte(index), buf.getByte(index + 1)));
        }
        byte version = buf.getByte(index + 2);
        if (version != TlwFormat.VERSION) {
            throw new TlwProtocolException(TlwViolation.UNKNOWN_VERSION, "version " + (version & 0xFF));
        }
        byte kind = buf.getByte(index + 3);
        if (kind != TlwFormat.KIND_MESSAGE && kind != TlwFormat.KIND_PING && kind != TlwFormat.KIND_PONG) {
            throw new TlwProtocolException(TlwViolation.UNKNOWN_KIND, "kind " + (kind & 0xFF));
        }
    }

    /** Reads a whole frame's content; {@code frame} holds exactly the bytes the length field counted. */
    static Object read(ByteBuf frame) {
        checkHeader(frame, frame.readerIndex());
        byte kind = frame.getByte(frame.readerIndex() + 3);
        frame.skipBytes(HEADER_BYTES);
        if (kind == TlwFormat.KIND_MESSAGE) {
            return readMessage(frame);
        }
        if (frame.readableBytes() != 4) {
            throw new TlwProtocolException(TlwViolation.BAD_KEEPALIVE_BODY, frame.readableBytes() + " bytes");
        }
        long seq = frame.readUnsignedInt();
        return kind == TlwFormat.KIND_PING ? KeepAliveFrame.ping(seq) : KeepAliveFrame.pong(seq);
    }

    private static TlibMessage readMessage(ByteBuf body) {
        need(body, 6, "message header");
        TlibMessage message = TlibMessage.ofTypeCode((int) body.readUnsignedInt());
        int attrCount = body.readUnsignedShort();
        for (int i = 0; i < attrCount; i++) {
            need(body, ATTRIBUTE_HEADER_BYTES, "attribute " + i + " header");
            int attrId = body.readUnsignedShort();
            int valueTypeCode = body.readUnsignedByte();
            ValueType valueType = ValueType.of(valueTypeCode);
            if (valueType == null) {
                throw new TlwProtocolException(
                        TlwViolation.UNKNOWN_VALUE_TYPE, "valueType " + valueTypeCode + " of attribute " + attrId);
            }
            ByteBuf value = slice(body, body.readUnsignedInt(), "attribute " + attrId);
            Object decoded = readValue(valueType, value, attrId);
            AttributeId attribute = AttributeId.of(attrId);
            // An unknown attrId is skipped; a known one of the wrong type is treated as missing; the first occurrence
            // counts.
            if (attribute != null && attribute.valueType() == valueType) {
                message.setIfAbsent(attribute, decoded);
            }
        }
        if (body.isReadable()) {
            throw new TlwProtocolException(
                    TlwViolation.TRAILING_BYTES, body.readableBytes() + " bytes after attribute " + attrCount);
        }
        return message;
    }

    private static Object readValue(ValueType valueType, ByteBuf value, int attrId) {
        return switch (valueType) {
            case INT -> {
                exactLength(value, 4, "INT attribute " + attrId);
                yield value.readInt();
            }
            case LONG -> {
                exactLength(value, 8, "LONG attribute " + attrId);
                yield value.readLong();
            }
            case CONNID -> {
                exactLength(value, ConnectionId.LENGTH, "CONNID attribute " + attrId);
                byte[] bytes = new byte[ConnectionId.LENGTH];
                value.readBytes(bytes);
                yield ConnectionId.of(bytes);
            }
            case STRING -> utf8(value, "attribute " + attrId);
            case BINARY -> bytes(value);
            case KVLIST -> readKvList(value, 1, "attribute " + attrId);
        };
    }

    private static KeyValueCollection readKvList(ByteBuf list, int depth, String where) {
        if (depth > MAX_KVLIST_DEPTH) {
            throw new TlwProtocolException(TlwViolation.NESTED_TOO_DEEP, "level " + depth + " in " + where);
        }
        need(list, 4, "pairCount of " + where);
        long pairCount = list.readUnsignedInt();
        KeyValueCollection collection = new KeyValueCollection();
        for (long i = 0; i < pairCount; i++) {
            String pairWhere = "pair " + i + " of " + where;
            need(list, 2, pairWhere);
            String key = utf8(slice(list, list.readUnsignedShort(), "key of " + pairWhere), "key of " + pairWhere);
            need(list, 5, pairWhere);
            int kvTypeCode = list.readUnsignedByte();
            KvType kvType = KvType.of(kvTypeCode);
            if (kvType == null) {
                throw new TlwProtocolException(
                        TlwViolation.UNKNOWN_KV_TYPE, "kvType " + kvTypeCode + " in " + pairWhere);
            }
            ByteBuf value = slice(list, list.readUnsignedInt(), pairWhere);
            Object decoded = switch (kvType) {
                case STRING, UNICODE -> utf8(value, pairWhere);
                case INT -> {
                    exactLength(value, 4, "INT " + pairWhere);
                    yield value.readInt();
                }
                case BINARY -> bytes(value);
                case LIST -> readKvList(value, depth + 1, pairWhere);
            };
            collection.add(new KeyValuePair(key, kvType, decoded));
        }
        if (list.isReadable()) {
            throw new TlwProtocolException(
                    TlwViolation.TRAILING_BYTES, list.readableBytes() + " bytes after the last pair of " + where);
        }
        return collection;
    }

    private static void need(ByteBuf buf, int bytes, String what) {
        if (buf.readableBytes() < bytes) {
            throw new TlwProtocolException(
                    TlwViolation.LENGTH_PAST_CONTAINER,
                    what + " needs " + bytes + " bytes, " + buf.readableBytes() + " left");
        }
    }

    private static ByteBuf slice(ByteBuf container, long length, String what) {
        if (length > container.readableBytes()) {
            throw new TlwProtocolException(
                    TlwViolation.LENGTH_PAST_CONTAINER,
                    what + " has length " + length + ", " + container.readableBytes() + " bytes left");
        }
        return container.readSlice((int) length);
    }

    private static void exactLength(ByteBuf value, int expected, String what) {
        if (value.readableBytes() != expected) {
            throw new TlwProtocolException(
                    TlwViolation.WRONG_VALUE_LENGTH,
                    what + " has " + value.readableBytes() + " bytes, not " + expected);
        }
    }

    private static byte[] bytes(ByteBuf value) {
        byte[] bytes = new byte[value.readableBytes()];
        value.readBytes(bytes);
        return bytes;
    }

    private static String utf8(ByteBuf value, String what) {
        int length = value.readableBytes();
        int index = value.readerIndex();
        value.skipBytes(length);
        // Most T-Library strings are ASCII (DNs, agent ids, reason codes): take the fast path when they are.
        if (value.forEachByte(index, length, b -> b >= 0) == -1) {
            return value.toString(index, length, StandardCharsets.US_ASCII);
        }
        ByteBuffer bytes = value.nioBuffer(index, length);
        try {
            return STRICT_UTF8.get().reset().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new TlwProtocolException(TlwViolation.INVALID_UTF8, what);
        }
    }
}

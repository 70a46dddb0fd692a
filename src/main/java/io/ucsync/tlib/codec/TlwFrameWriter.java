package io.ucsync.tlib.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.ucsync.tlib.protocol.AttributeId;
import io.ucsync.tlib.protocol.ConnectionId;
import io.ucsync.tlib.protocol.KeepAliveFrame;
import io.ucsync.tlib.protocol.KeyValueCollection;
import io.ucsync.tlib.protocol.KeyValuePair;
import io.ucsync.tlib.protocol.TlibMessage;
import java.util.Map;

/**
 * Writes whole TLW/1 frames, length field included; a message's ReferenceID goes first, as src/main/docs/tlw1.md
 * section 1 advises.
 */
final class TlwFrameWriter {

    private TlwFrameWriter() {}

    static void write(Object frame, ByteBuf out) {
        if (frame instanceof TlibMessage message) {
            writeMessage(message, out);
        } else if (frame instanceof KeepAliveFrame keepAlive) {
            out.writeInt(TlwFormat.HEADER_BYTES + 4);
            writeHeader(out, keepAlive.kind() == KeepAliveFrame.Kind.PING ? TlwFormat.KIND_PING : TlwFormat.KIND_PONG);
            out.writeInt((int) keepAlive.seq());
        } else {
            throw new IllegalArgumentException("not a TLW/1 frame: " + frame);
        }
    }

    private static void writeHeader(ByteBuf out, byte kind) {
        out.writeByte(TlwFormat.MAGIC_T)
                .writeByte(TlwFormat.MAGIC_L)
                .writeByte(TlwFormat.VERSION)
                .writeByte(kind);
    }

    private static void writeMessage(TlibMessage message, ByteBuf out) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        writeHeader(out, TlwFormat.KIND_MESSAGE);
        Map<AttributeId, Object> attributes = message.attributes();
        out.writeInt(message.messageTypeCode());
        out.writeShort(attributes.size());
        Object referenceId = attributes.get(AttributeId.ReferenceID);
        if (referenceId != null) {
            writeAttribute(out, AttributeId.ReferenceID, referenceId);
        }
        for (Map.Entry<AttributeId, Object> attribute : attributes.entrySet()) {
            if (attribute.getKey() != AttributeId.ReferenceID) {
                writeAttribute(out, attribute.getKey(), attribute.getValue());
            }
        }
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - TlwFormat.LENGTH_FIELD_BYTES);
    }

    private static void writeAttribute(ByteBuf out, AttributeId attribute, Object value) {
        out.writeShort(attribute.id());
        out.writeByte(attribute.valueType().code());
        switch (attribute.valueType()) {
            case INT -> out.writeInt(4).writeInt((Integer) value);
            case LONG -> out.writeInt(8).writeLong((Long) value);
            case CONNID -> out.writeInt(ConnectionId.LENGTH).writeBytes(((ConnectionId) value).bytes());
            case STRING -> writeUtf8(out, (String) value, 4);
            case BINARY -> out.writeInt(((byte[]) value).length).writeBytes((byte[]) value);
            case KVLIST -> writeKvList(out, (KeyValueCollection) value);
        }
    }

    /** Writes a length-prefixed kvlist value (its u32 valueLength, then pairCount and the pairs). */
    private static void writeKvList(ByteBuf out, KeyValueCollection list) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        out.writeInt(list.size());
        for (KeyValuePair pair : list.pairs()) {
            writeUtf8(out, pair.key(), 2);
            out.writeByte(pair.type().code());
            switch (pair.type()) {
                case STRING, UNICODE -> writeUtf8(out, (String) pair.value(), 4);
                case INT -> out.writeInt(4).writeInt((Integer) pair.value());
                case BINARY -> out.writeInt(((byte[]) pair.value()).length).writeBytes((byte[]) pair.value());
                case LIST -> writeKvList(out, (KeyValueCollection) pair.value());
            }
        }
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }

    private static void writeUtf8(ByteBuf out, String text, int lengthBytes) {
        int length = ByteBufUtil.utf8Bytes(text);
        if (lengthBytes == 2) {
            if (length > 0xFFFF) {
                throw new IllegalArgumentException("a kvlist key is at most 65535 UTF-8 bytes: " + length);
            }
            out.writeShort(length);
        } else {
            out.writeInt(length);
        }
        ByteBufUtil.reserveAndWriteUtf8(out, text, length);
    }
}

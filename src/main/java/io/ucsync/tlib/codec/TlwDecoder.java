package io.ucsync.tlib.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the TCP stream into TLW/1 frames and reads each into a TlibMessage or KeepAliveFrame.
 * A partial frame leaves the reader index where it was. A frame that breaks a rule of src/main/docs/tlw1.md section 1
 * closes this connection after one log line naming the rule; other connections are unaffected.
 */
public final class TlwDecoder extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(TlwDecoder.class);

    private final int maxFrameSize;
    private boolean closing;

    public TlwDecoder(int maxFrameSize) {
        if (maxFrameSize < TlwFormat.HEADER_BYTES) {
            throw new IllegalArgumentException("maxFrameSize must be at least 4: " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (closing) {
            in.skipBytes(in.readableBytes());
            return;
        }
        // where the frame being read starts: a rule broken inside its content leaves the reader index past it
        int frameStart = in.readerIndex();
        try {
            Object frame = nextFrame(in);
            if (frame != null) {
                out.add(frame);
            }
        } catch (TlwProtocolException e) {
            closing = true;
            String hint = looksLikeTls(in, frameStart)
                    ? " (the bytes are a TLS record: the peer speaks TLS, this side plain TLW/1)"
                    : "";
            in.skipBytes(in.readableBytes());
            LOG.warn("closing TLW/1 connection from {}: {}{}", ctx.channel().remoteAddress(), e.getMessage(), hint);
            ctx.close();
        }
    }

    /**
     * Whether the frame that broke a rule starts as a TLS record does (content type 20-23, then version 3.x), which
     * read as a TLW/1 length is hundreds of megabytes: a TLS client on a plain port, or a TLS server's alert to a plain
     * client. The frame's start, not the reader index: the frames before it were read, the bytes after it are not its.
     */
    private static boolean looksLikeTls(ByteBuf in, int start) {
        if (in.writerIndex() - start < 3) {
            return false;
        }
        int contentType = in.getUnsignedByte(start);
        return contentType >= 20
                && contentType <= 23
                && in.getUnsignedByte(start + 1) == 3
                && in.getUnsignedByte(start + 2) <= 4;
    }

    private Object nextFrame(ByteBuf in) {
        if (in.readableBytes() < TlwFormat.LENGTH_FIELD_BYTES) {
            return null;
        }
        int start = in.readerIndex();
        long length = in.getUnsignedInt(start);
        TlwFrameReader.checkLength(length, maxFrameSize);
        // Refuse a bad header as soon as it is in, without waiting for the rest of a frame that will never be read.
        if (in.readableBytes() >= TlwFormat.LENGTH_FIELD_BYTES + TlwFormat.HEADER_BYTES) {
            TlwFrameReader.checkHeader(in, start + TlwFormat.LENGTH_FIELD_BYTES);
        }
        if (in.readableBytes() < TlwFormat.LENGTH_FIELD_BYTES + length) {
            return null;
        }
        in.skipBytes(TlwFormat.LENGTH_FIELD_BYTES);
        return TlwFrameReader.read(in.readSlice((int) length));
    }
}

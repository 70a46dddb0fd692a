package io.ucsync.tlib.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The codec's own handlers, {@link TlwDecoder} and {@link TlwEncoder}, each in an {@link EmbeddedChannel}, for test
 * peers on blocking sockets: the bytes read from a socket go in as they come and whole frames come out; a frame goes in
 * and the bytes to write come out. PINGs and PONGs come out like messages (no {@link TlwPingAnswer}): such a peer
 * decides itself whether to answer. A peer's reader thread decodes while its senders encode; the decoder closing on a
 * bad frame does not stop the encoder.
 */
public final class EmbeddedTlwCodec implements AutoCloseable {

    private final EmbeddedChannel decoder = new EmbeddedChannel(new TlwDecoder(TlwCodec.DEFAULT_MAX_FRAME_SIZE));
    private final EmbeddedChannel encoder = new EmbeddedChannel(TlwEncoder.INSTANCE);

    /** The bytes of one frame (a TlibMessage or a KeepAliveFrame), length field included. */
    public byte[] encode(Object frame) {
        synchronized (encoder) {
            encoder.writeOutbound(frame);
            ByteBuf out = encoder.readOutbound();
            try {
                byte[] bytes = new byte[out.readableBytes()];
                out.readBytes(bytes);
                return bytes;
            } finally {
                out.release();
            }
        }
    }

    /**
     * The frames that these bytes complete, in order; a frame cut short stays inside until the rest of it comes.
     *
     * @throws IllegalStateException when a frame broke a rule: the decoder closed its channel, after its WARN line
     */
    public List<Object> decode(byte[] bytes, int offset, int length) {
        synchronized (decoder) {
            if (!decoder.isOpen()) {
                throw new IllegalStateException("the decoder closed its channel on an earlier frame");
            }
            decoder.writeInbound(decoder.alloc().buffer(length).writeBytes(bytes, offset, length));
            List<Object> frames = new ArrayList<>();
            for (Object frame; (frame = decoder.readInbound()) != null; ) {
                frames.add(frame);
            }
            if (!decoder.isOpen()) {
                throw new IllegalStateException("a frame broke a rule of src/main/docs/tlw1.md section 1 (the decoder's"
                        + " WARN line names it), after " + frames.size() + " good frame(s)");
            }
            return frames;
        }
    }

    /** Releases what the decoder holds of a frame cut short; call once the reader thread has ended. */
    @Override
    public void close() {
        synchronized (decoder) {
            decoder.finishAndReleaseAll();
        }
        synchronized (encoder) {
            encoder.finishAndReleaseAll();
        }
    }
}

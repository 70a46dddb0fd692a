package io.ucsync.tlib.codec;

import io.netty.channel.ChannelPipeline;

/** Puts the TLW/1 codec into a Netty pipeline; the T-Server emulator and the connector's link share it. */
public final class TlwCodec {

    /** The default maximum frame size of src/main/docs/tlw1.md section 1, compared with the length field itself. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 65536;
    /** Pipeline name of the decoder; the keep-alive goes right after it, to count whole frames. */
    public static final String DECODER_NAME = "tlwDecoder";

    private TlwCodec() {}

    /**
     * Adds "tlwDecoder", "tlwEncoder" and "tlwPingAnswer" (PING answered with PONG, keep-alive frames kept from
     * what follows) at the end of the pipeline; add the protocol handler after them: it receives TlibMessages only.
     */
    public static void install(ChannelPipeline pipeline, int maxFrameSize) {
        pipeline.addLast(DECODER_NAME, new TlwDecoder(maxFrameSize));
        pipeline.addLast("tlwEncoder", TlwEncoder.INSTANCE);
        pipeline.addLast("tlwPingAnswer", TlwPingAnswer.INSTANCE);
    }
}

package io.ucsync.tlib.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ucsync.sip.peers.LogCapture;
import io.ucsync.tlib.protocol.KeepAliveFrame;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The decoder's line on closing says the peer speaks TLS when, and only when, the frame that broke the rule is a TLS
 * record: judged where that frame starts, not at the start of the connection's bytes nor past the frame.
 */
class TlwDecoderTlsHintTest {

    @RegisterExtension
    static final NettyLeakWatcher LEAKS = new NettyLeakWatcher();

    private static final HexFormat HEX = HexFormat.of();
    private static final String TLS_HINT = "the bytes are a TLS record: the peer speaks TLS";
    private static final String PING_7 = "00000008" + "544c0101" + "00000007";
    /** The start of a TLS 1.2 ClientHello: record type 22 (handshake), version 3.1, length, then the handshake. */
    private static final String CLIENT_HELLO = "16030100a5" + "010000a10303";

    private final EmbeddedChannel channel = new EmbeddedChannel(new TlwDecoder(TlwCodec.DEFAULT_MAX_FRAME_SIZE));
    private LogCapture decoderLog;

    @BeforeEach
    void captureLog() {
        decoderLog = LogCapture.of(TlwDecoder.class);
    }

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
        decoderLog.close();
    }

    @Test
    void aTlsRecordAfterAGoodFrameIsNamedAsTls() {
        // one read: the PING is decoded first, so the TLS record starts at reader index 12, not 0
        channel.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex(PING_7 + CLIENT_HELLO)));

        assertThat((Object) channel.readInbound()).isEqualTo(KeepAliveFrame.ping(7));
        assertThat(channel.isOpen()).isFalse();
        assertThat(decoderLog.linesWith("closing TLW/1 connection", "length 369295616", TLS_HINT))
                .hasSize(1);
    }

    @Test
    void aTlsRecordOnAFreshConnectionIsNamedAsTls() {
        channel.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex(CLIENT_HELLO)));

        assertThat(channel.isOpen()).isFalse();
        assertThat(decoderLog.linesWith("closing TLW/1 connection", TLS_HINT)).hasSize(1);
    }

    @Test
    void aBadFrameFollowedByBytesThatLookLikeTlsIsNotNamedAsTls() {
        // a PING whose body is 5 bytes breaks a rule inside its content; what comes after it is not the frame refused
        channel.writeInbound(
                Unpooled.wrappedBuffer(HEX.parseHex("00000009" + "544c0101" + "0000000007" + CLIENT_HELLO)));

        assertThat(channel.isOpen()).isFalse();
        assertThat(decoderLog.linesWith("closing TLW/1 connection", "5 bytes")).hasSize(1);
        assertThat(decoderLog.linesWith(TLS_HINT)).isEmpty();
    }
}

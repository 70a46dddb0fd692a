package io.ucsync.tlib.codec;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.ucsync.tlib.protocol.KeepAliveFrame;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keep-alive of src/main/docs/tlw1.md section 6, the same on both sides: when nothing has arrived for one timeout it
 * sends PING; when nothing has arrived for a further timeout it closes the connection (the side's own close handling
 * then reports the link lost). Sits right after the decoder, so what counts as arrived is a whole frame: the bytes of a
 * frame cut short (a length field, within the maximum, that promises more than ever comes) would otherwise keep the
 * connection alive for good, every PONG and answer swallowed as the rest of that frame; this way such a connection is
 * closed like a silent one. {@link TlwPingAnswer}, which {@link TlwCodec#install} adds, answers the other side's PINGs.
 */
public final class TlwKeepAlive extends IdleStateHandler {

    public static final String NAME = "tlwKeepAlive";

    private static final Logger LOG = LoggerFactory.getLogger(TlwKeepAlive.class);

    private final Duration timeout;
    private long pingSequence;

    private TlwKeepAlive(Duration timeout) {
        super(timeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
        this.timeout = timeout;
    }

    /**
     * Watches the connection with this timeout, replacing an earlier keep-alive if there is one. Call after
     * {@link TlwCodec#install}. A zero timeout removes the keep-alive (src/main/docs/tlw1.md section 6: 0 = off).
     */
    public static void install(ChannelPipeline pipeline, Duration timeout) {
        boolean present = pipeline.get(NAME) != null;
        if (timeout.isZero()) {
            if (present) {
                pipeline.remove(NAME);
            }
        } else if (present) {
            pipeline.replace(NAME, NAME, new TlwKeepAlive(timeout));
        } else {
            pipeline.addAfter(TlwCodec.DECODER_NAME, NAME, new TlwKeepAlive(timeout));
        }
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        if (event.state() != IdleState.READER_IDLE) {
            return;
        }
        if (event.isFirst()) {
            // from the tail: this handler sits before the encoder, so ctx.write would pass the frame by it unencoded
            ctx.channel().writeAndFlush(KeepAliveFrame.ping(++pingSequence));
        } else {
            LOG.warn(
                    "closing TLW/1 connection with {}: nothing arrived for two keep-alive timeouts of {} ms",
                    ctx.channel().remoteAddress(),
                    timeout.toMillis());
            ctx.close();
        }
    }
}

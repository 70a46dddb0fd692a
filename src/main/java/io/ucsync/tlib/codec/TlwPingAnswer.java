package io.ucsync.tlib.codec;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.ucsync.tlib.protocol.KeepAliveFrame;

/**
 * Answers every PING with PONG at once (src/main/docs/tlw1.md section 6, both sides) and keeps keep-alive frames from
 * the protocol handler after it, which sees only messages. Their arrival already counted for {@link TlwKeepAlive}.
 */
@ChannelHandler.Sharable
final class TlwPingAnswer extends ChannelInboundHandlerAdapter {

    static final TlwPingAnswer INSTANCE = new TlwPingAnswer();

    private TlwPingAnswer() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object frame) {
        if (frame instanceof KeepAliveFrame keepAlive) {
            if (keepAlive.kind() == KeepAliveFrame.Kind.PING) {
                ctx.writeAndFlush(KeepAliveFrame.pong(keepAlive.seq()));
            }
            return;
        }
        ctx.fireChannelRead(frame);
    }
}

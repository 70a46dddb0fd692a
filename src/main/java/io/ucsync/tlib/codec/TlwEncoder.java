package io.ucsync.tlib.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.ucsync.tlib.protocol.KeepAliveFrame;
import io.ucsync.tlib.protocol.TlibMessage;

/** Writes TlibMessage and KeepAliveFrame objects as TLW/1 frames. Stateless, so one instance serves every channel. */
@ChannelHandler.Sharable
public final class TlwEncoder extends MessageToByteEncoder<Object> {

    public static final TlwEncoder INSTANCE = new TlwEncoder();

    private TlwEncoder() {}

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof TlibMessage || msg instanceof KeepAliveFrame;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
        TlwFrameWriter.write(msg, out);
    }
}

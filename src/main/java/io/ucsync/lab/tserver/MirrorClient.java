package io.ucsync.lab.tserver;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.ucsync.tlib.codec.TlwCodec;
import io.ucsync.tlib.protocol.AddressInfoType;
import io.ucsync.tlib.protocol.AddressType;
import io.ucsync.tlib.protocol.ControlMode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.RegisterMode;
import io.ucsync.tlib.protocol.TlibMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a backup follows its primary: an ordinary TLW/1 client of the primary (RequestRegisterClient, then
 * RequestRegisterAddress Monitor and RequestQueryAddress for every DN) whose events update the backup's switch,
 * so that after a promotion agents and calls are where they were. Reconnects every second while not stopped.
 * Runs on the emulator's event loop.
 */
final class MirrorClient {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorClient.class);
    private static final long RECONNECT_DELAY_MILLIS = 1000;

    private final EventLoopGroup group;
    private final InetSocketAddress primary;
    private final PrimaryFollower follower;
    private final int maxFrameSize;
    private final Supplier<SslHandler> tls;
    private Channel channel;
    private boolean stopped;
    private int referenceId;

    /** @param tls makes the TLS handler towards the primary, or null for plain TCP */
    MirrorClient(
            EventLoopGroup group,
            InetSocketAddress primary,
            PrimaryFollower follower,
            int maxFrameSize,
            Supplier<SslHandler> tls) {
        this.tls = tls;
        this.group = group;
        this.primary = primary;
        this.follower = follower;
        this.maxFrameSize = maxFrameSize;
    }

    void connect() {
        if (stopped) {
            return;
        }
        ChannelFuture connecting = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.get());
                        }
                        TlwCodec.install(ch.pipeline(), maxFrameSize);
                        ch.pipeline().addLast("mirror", new Follower());
                    }
                })
                .connect(primary);
        channel = connecting.channel();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                LOG.debug(
                        "mirror: primary {} not reachable: {}",
                        primary,
                        f.cause().toString());
                retry();
            }
        });
    }

    void stop() {
        stopped = true;
        if (channel != null) {
            channel.close();
        }
    }

    private void retry() {
        if (!stopped) {
            group.next().schedule(this::connect, RECONNECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private TlibMessage request(MessageType type) {
        return TlibMessage.create(type).referenceId(++referenceId);
    }

    private final class Follower extends SimpleChannelInboundHandler<TlibMessage> {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            LOG.info("mirror: following primary {}", primary);
            referenceId = 0;
            ctx.write(request(MessageType.RequestRegisterClient)
                    .applicationName("ucsync-tserver-emulator-backup")
                    .protocolVersion(EmulatedSwitch.PROTOCOL_VERSION));
            for (String dn : follower.dnNames()) {
                ctx.write(request(MessageType.RequestRegisterAddress)
                        .thisDN(dn)
                        .registerMode(RegisterMode.Monitor)
                        .controlMode(ControlMode.Default)
                        .addressType(AddressType.DN));
            }
            for (String dn : follower.dnNames()) {
                ctx.write(request(MessageType.RequestQueryAddress)
                        .thisDN(dn)
                        .addressInfoType(AddressInfoType.AgentStatus));
            }
            ctx.flush();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TlibMessage event) {
            if (event.type() == MessageType.EventError) {
                LOG.warn("mirror: primary {} refused a request: {}", primary, event);
                return;
            }
            follower.follow(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!stopped) {
                LOG.info("mirror: lost primary {}", primary);
            }
            retry();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                // a reset by a crashed primary: channelInactive reports the loss
                ctx.close();
                return;
            }
            LOG.warn("mirror: closing connection to primary {}: {}", primary, cause.toString());
            ctx.close();
        }
    }
}

package io.ucsync.lab.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulator's text control port on 127.0.0.1: one command per line, one JSON object per line back
 * ({@code "ok": true} and the result, or {@code "ok": false} and {@code "error"}). The emulator supplies the
 * commands as a function from the command's words to the result; an exception is the error reply. Runs on its own
 * thread, so that a command may wait for the emulator.
 */
public final class LineControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LineControlServer.class);
    private static final int MAX_LINE = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel serverChannel;

    private LineControlServer(int port, Function<String[], Map<String, Object>> commands) throws InterruptedException {
        CommandHandler handler = new CommandHandler(commands);
        try {
            serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(
                                            new LineBasedFrameDecoder(MAX_LINE),
                                            new StringDecoder(StandardCharsets.UTF_8),
                                            new StringEncoder(StandardCharsets.UTF_8),
                                            handler);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .sync()
                    .channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Binds 127.0.0.1:port (0 = a free port). */
    public static LineControlServer start(int port, Function<String[], Map<String, Object>> commands)
            throws InterruptedException {
        return new LineControlServer(port, commands);
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Runs one command line and gives the JSON reply (without the line end). */
    public static String execute(Function<String[], Map<String, Object>> commands, String line) {
        Map<String, Object> reply = new LinkedHashMap<>();
        try {
            reply.put("ok", true);
            reply.putAll(commands.apply(line.trim().split("\\s+")));
        } catch (RuntimeException e) {
            reply.clear();
            reply.put("ok", false);
            reply.put("error", e.getMessage() != null ? e.getMessage() : e.toString());
        }
        try {
            return JSON.writeValueAsString(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a control reply as JSON", e);
        }
    }

    /** Refuses a command given the wrong number of arguments, with the usage. */
    public static void requireArguments(String[] words, int min, int max, String usage) {
        int count = words.length - 1;
        if (count < min || count > max) {
            String expected = min == max ? String.valueOf(min) : min + " to " + max;
            throw new IllegalArgumentException("'" + words[0] + "' takes " + expected + " argument(s); " + usage);
        }
    }

    @Override
    public void close() {
        serverChannel.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private static final class CommandHandler extends SimpleChannelInboundHandler<String> {
        private final Function<String[], Map<String, Object>> commands;

        CommandHandler(Function<String[], Map<String, Object>> commands) {
            this.commands = commands;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (line.isBlank()) {
                return;
            }
            String reply = execute(commands, line);
            LOG.info("control: {} -> {}", line.trim(), reply.length() > 200 ? reply.substring(0, 200) + "..." : reply);
            ctx.writeAndFlush(reply + "\n");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                ctx.writeAndFlush("{\"ok\":false,\"error\":\"command line longer than " + MAX_LINE + " bytes\"}\n");
                return;
            }
            LOG.warn("control: closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}

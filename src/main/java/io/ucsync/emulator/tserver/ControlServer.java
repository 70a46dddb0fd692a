package io.ucsync.emulator.tserver;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import io.ucsync.tlib.protocol.ConnectionId;

/**
 * The emulator's text control port on 127.0.0.1: one command per line, one JSON object per line back
 * ({@code "ok": true} and the result, or {@code "ok": false} and {@code "error"}). A thin parser over the
 * {@link TServerEmulator} API, on its own thread so that it can wait for the emulator's event loop.
 */
final class ControlServer implements AutoCloseable {

    static final String USAGE = "commands: states | state DN | call FROM_DN TO_DN | answer CONNID | release CONNID"
            + " | link down | link up | promote | stats";

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final int MAX_LINE = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel serverChannel;

    private ControlServer(TServerEmulator emulator, int port) throws InterruptedException {
        CommandHandler handler = new CommandHandler(emulator);
        serverChannel = bind(handler, port);
    }

    private Channel bind(CommandHandler handler, int port) throws InterruptedException {
        try {
            return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE),
                                    new StringDecoder(StandardCharsets.UTF_8), new StringEncoder(StandardCharsets.UTF_8), handler);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    static ControlServer start(TServerEmulator emulator, int port) throws InterruptedException {
        return new ControlServer(emulator, port);
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Runs one command line against the emulator and gives the JSON reply (without the line end). */
    static String execute(TServerEmulator emulator, String line) {
        Map<String, Object> reply = new LinkedHashMap<>();
        try {
            reply.put("ok", true);
            reply.putAll(run(emulator, line.trim().split("\\s+")));
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

    private static Map<String, Object> run(TServerEmulator emulator, String[] words) {
        String command = words[0];
        switch (command) {
            case "states" -> {
                arguments(words, 0);
                return Map.of("states", emulator.states());
            }
            case "state" -> {
                arguments(words, 1);
                return Map.of("state", emulator.state(words[1]));
            }
            case "call" -> {
                arguments(words, 2);
                return Map.of("connId", emulator.call(words[1], words[2]).toString());
            }
            case "answer" -> {
                arguments(words, 1);
                emulator.answer(connId(words[1]));
                return Map.of();
            }
            case "release" -> {
                arguments(words, 1);
                emulator.release(connId(words[1]));
                return Map.of();
            }
            case "link" -> {
                arguments(words, 1);
                switch (words[1]) {
                    case "down" -> emulator.linkDown();
                    case "up" -> emulator.linkUp();
                    default -> throw new IllegalArgumentException("link takes 'up' or 'down', not '" + words[1] + "'");
                }
                return Map.of();
            }
            case "promote" -> {
                arguments(words, 0);
                emulator.promote();
                return Map.of("role", emulator.role().name());
            }
            case "stats" -> {
                arguments(words, 0);
                return Map.of("stats", emulator.stats());
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "'; " + USAGE);
        }
    }

    private static void arguments(String[] words, int count) {
        if (words.length - 1 != count) {
            throw new IllegalArgumentException("'" + words[0] + "' takes " + count + " argument(s); " + USAGE);
        }
    }

    private static ConnectionId connId(String hex) {
        try {
            return ConnectionId.parse(hex);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a ConnID is 16 hex digits, not '" + hex + "'");
        }
    }

    @ChannelHandler.Sharable
    private static final class CommandHandler extends SimpleChannelInboundHandler<String> {
        private final TServerEmulator emulator;

        CommandHandler(TServerEmulator emulator) {
            this.emulator = emulator;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (line.isBlank()) {
                return;
            }
            String reply = execute(emulator, line);
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

package io.ucsync.lab.tserver;

import io.ucsync.lab.control.EmulatorCommandLine;
import io.ucsync.tlib.protocol.ServerRole;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ucsync.jar tserver-emulator --port P --dns 5001,5002 [--role primary|backup] [--control-port C]
 * [--agents agent01:pw,agent02:pw] [--mirror host:port] [--keepalive-timeout S] [--max-frame-size N]
 * [--keystore FILE --keystore-password PW [--truststore FILE --truststore-password PW] [--client-auth MODE]]}:
 * runs the emulator until the process is stopped.
 */
public final class TServerEmulatorCommand {

    static final String USAGE = "usage: tserver-emulator --port P --dns 5001,5002,... [--role primary|backup]"
            + " [--control-port C] [--agents agent01:pw,agent02:pw] [--mirror host:port] [--keepalive-timeout S]"
            + " [--max-frame-size N] " + EmulatorCommandLine.TLS_USAGE;

    private TServerEmulatorCommand() {}

    public static void run(String[] args) throws InterruptedException {
        EmulatorCommandLine.run(
                "tserver-emulator",
                USAGE,
                args,
                TServerEmulatorCommand::parse,
                TServerEmulator::start,
                emulator -> "tserver-emulator " + emulator.role() + " port=" + emulator.port() + " control-port="
                        + emulator.controlPort());
    }

    static TServerEmulatorConfig parse(String[] args) {
        TServerEmulatorConfig.Builder builder = TServerEmulatorConfig.builder();
        boolean portGiven = false;
        Map<String, String> tlsOptions = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : EmulatorCommandLine.options(args).entrySet()) {
            String option = entry.getKey();
            String value = entry.getValue();
            switch (option) {
                case "--port" -> {
                    builder.port(EmulatorCommandLine.number(option, value));
                    portGiven = true;
                }
                case "--dns" -> builder.dns(list(value));
                case "--role" -> builder.role(role(value));
                case "--control-port" -> builder.controlPort(EmulatorCommandLine.number(option, value));
                case "--agents" -> builder.agents(agents(value));
                case "--mirror" -> builder.mirrorOf(address(value));
                case "--keepalive-timeout" ->
                    builder.keepAliveTimeout(Duration.ofSeconds(EmulatorCommandLine.number(option, value)));
                case "--max-frame-size" -> builder.maxFrameSize(EmulatorCommandLine.number(option, value));
                default -> {
                    if (!EmulatorCommandLine.isTlsOption(option)) {
                        throw new IllegalArgumentException("unknown option " + option);
                    }
                    tlsOptions.put(option, value);
                }
            }
        }
        builder.tls(EmulatorCommandLine.tls(tlsOptions));
        if (!portGiven) {
            throw new IllegalArgumentException("--port is required (0 for a free port)");
        }
        return builder.build();
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static ServerRole role(String value) {
        return switch (value) {
            case "primary" -> ServerRole.Primary;
            case "backup" -> ServerRole.Backup;
            default -> throw new IllegalArgumentException("--role is primary or backup, not '" + value + "'");
        };
    }

    private static Map<String, String> agents(String value) {
        Map<String, String> agents = new LinkedHashMap<>();
        for (String entry : list(value)) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--agents entries are AGENTID:PASSWORD, not '" + entry + "'");
            }
            agents.put(entry.substring(0, colon), entry.substring(colon + 1));
        }
        return agents;
    }

    private static InetSocketAddress address(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--mirror is host:port, not '" + value + "'");
        }
        return new InetSocketAddress(
                value.substring(0, colon), EmulatorCommandLine.number("--mirror", value.substring(colon + 1)));
    }
}

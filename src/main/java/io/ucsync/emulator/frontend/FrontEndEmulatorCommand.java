package io.ucsync.emulator.frontend;

import java.nio.file.Path;
import java.util.Map;

import io.ucsync.emulator.control.EmulatorCommandLine;
import io.ucsync.tls.TlsSettings;

/**
 * {@code ucsync.jar frontend-emulator --port P [--transport udp|tcp|tls] [--control-port C]
 * [--keystore FILE --keystore-password PW [--truststore FILE --truststore-password PW] [--client-auth MODE]]}:
 * runs the UC front-end emulator until the process is stopped.
 */
public final class FrontEndEmulatorCommand {

    static final String USAGE = "usage: frontend-emulator --port P [--transport udp|tcp|tls] [--control-port C]"
            + " [--keystore FILE.p12 --keystore-password PW [--truststore FILE.p12 --truststore-password PW]"
            + " [--client-auth none|want|require] (for tls)]\n"
            + "  --port 0 and --control-port 0 pick free ports; the line printed at start names them.";

    private FrontEndEmulatorCommand() {
    }

    public static void run(String[] args) throws InterruptedException {
        EmulatorCommandLine.run("frontend-emulator", USAGE, args, FrontEndEmulatorCommand::parse, FrontEndEmulator::start,
                emulator -> "frontend-emulator port=" + emulator.port() + " transport=" + emulator.transport()
                        + " control-port=" + emulator.controlPort());
    }

    static FrontEndEmulatorConfig parse(String[] args) {
        Integer port = null;
        String transport = "udp";
        int controlPort = -1;
        String keystore = null;
        String keystorePassword = null;
        String truststore = null;
        String truststorePassword = null;
        TlsSettings.ClientAuth clientAuth = TlsSettings.ClientAuth.NONE;
        for (Map.Entry<String, String> option : EmulatorCommandLine.options(args).entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "--port" -> port = EmulatorCommandLine.number(option.getKey(), value);
                case "--transport" -> transport = value;
                case "--control-port" -> controlPort = EmulatorCommandLine.number(option.getKey(), value);
                case "--keystore" -> keystore = value;
                case "--keystore-password" -> keystorePassword = value;
                case "--truststore" -> truststore = value;
                case "--truststore-password" -> truststorePassword = value;
                case "--client-auth" -> clientAuth = clientAuth(value);
                default -> throw new IllegalArgumentException("unknown option " + option.getKey());
            }
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required (0 for a free port)");
        }
        if (keystore == null && (truststore != null || clientAuth != TlsSettings.ClientAuth.NONE)) {
            throw new IllegalArgumentException("--truststore and --client-auth need --keystore (the front end's certificate)");
        }
        TlsSettings tls = keystore == null ? null : new TlsSettings(Path.of(keystore), keystorePassword,
                truststore == null ? null : Path.of(truststore), truststorePassword, "PKCS12", clientAuth, false);
        return new FrontEndEmulatorConfig(port, transport, controlPort, tls);
    }

    private static TlsSettings.ClientAuth clientAuth(String value) {
        return switch (value) {
            case "none" -> TlsSettings.ClientAuth.NONE;
            case "want" -> TlsSettings.ClientAuth.WANT;
            case "require" -> TlsSettings.ClientAuth.REQUIRE;
            default -> throw new IllegalArgumentException("--client-auth is none, want or require, not '" + value + "'");
        };
    }
}

package io.ucsync.emulator.frontend;

import java.nio.file.Path;

import io.ucsync.emulator.control.EmulatorCommandLine;
import io.ucsync.sip.SipTlsSettings;

/**
 * {@code ucsync.jar frontend-emulator --port P [--transport udp|tcp|tls] [--control-port C]
 * [--keystore FILE --keystore-password PW]}: runs the UC front-end emulator until the process is stopped.
 */
public final class FrontEndEmulatorCommand {

    static final String USAGE = "usage: frontend-emulator --port P [--transport udp|tcp|tls] [--control-port C]"
            + " [--keystore FILE.p12 --keystore-password PW (for tls)]";

    private FrontEndEmulatorCommand() {
    }

    public static void run(String[] args) throws InterruptedException {
        FrontEndEmulatorConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            EmulatorCommandLine.refuse("frontend-emulator", e.getMessage(), USAGE);
            return;
        }
        FrontEndEmulator emulator = FrontEndEmulator.start(config);
        EmulatorCommandLine.serveUntilStopped("frontend-emulator", emulator, "frontend-emulator port=" + emulator.port()
                + " transport=" + config.transport() + " control-port=" + emulator.controlPort());
    }

    static FrontEndEmulatorConfig parse(String[] args) {
        Integer port = null;
        String transport = "udp";
        int controlPort = -1;
        String keystore = null;
        String keystorePassword = null;
        for (int i = 0; i < args.length; i += 2) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[i + 1];
            switch (option) {
                case "--port" -> port = EmulatorCommandLine.number(option, value);
                case "--transport" -> transport = value;
                case "--control-port" -> controlPort = EmulatorCommandLine.number(option, value);
                case "--keystore" -> keystore = value;
                case "--keystore-password" -> keystorePassword = value;
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required (0 for a free port)");
        }
        SipTlsSettings tls = keystore == null ? null : new SipTlsSettings(Path.of(keystore), keystorePassword, null, null,
                "PKCS12", SipTlsSettings.ClientAuth.NONE, false);
        return new FrontEndEmulatorConfig(port, transport, controlPort, tls);
    }
}

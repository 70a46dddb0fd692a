package io.ucsync.emulator.frontend;

import java.nio.file.Path;
import java.util.Map;

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
        for (Map.Entry<String, String> option : EmulatorCommandLine.options(args).entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "--port" -> port = EmulatorCommandLine.number(option.getKey(), value);
                case "--transport" -> transport = value;
                case "--control-port" -> controlPort = EmulatorCommandLine.number(option.getKey(), value);
                case "--keystore" -> keystore = value;
                case "--keystore-password" -> keystorePassword = value;
                default -> throw new IllegalArgumentException("unknown option " + option.getKey());
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

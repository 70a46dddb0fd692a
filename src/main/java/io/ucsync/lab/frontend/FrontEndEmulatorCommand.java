package io.ucsync.lab.frontend;

import io.ucsync.lab.control.EmulatorCommandLine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ucsync.jar frontend-emulator --port P [--transport udp|tcp|tls] [--control-port C] [--max-batch N]
 * [--keystore FILE --keystore-password PW [--truststore FILE --truststore-password PW] [--client-auth MODE]]}:
 * runs the UC front-end emulator until the process is stopped.
 */
public final class FrontEndEmulatorCommand {

    static final String USAGE =
            "usage: frontend-emulator --port P [--transport udp|tcp|tls] [--control-port C] [--max-batch N]"
                    + " " + EmulatorCommandLine.TLS_USAGE + " (for tls)\n"
                    + "  --port 0 and --control-port 0 pick free ports; the line printed at start names them.\n"
                    + "  --max-batch: the most workers a batched subscription may name, 413 beyond (default "
                    + FrontEndEmulatorConfig.DEFAULT_MAX_BATCH + ").";

    private FrontEndEmulatorCommand() {}

    public static void run(String[] args) throws InterruptedException {
        EmulatorCommandLine.run(
                "frontend-emulator",
                USAGE,
                args,
                FrontEndEmulatorCommand::parse,
                FrontEndEmulator::start,
                emulator -> "frontend-emulator port=" + emulator.port() + " transport=" + emulator.transport()
                        + " control-port=" + emulator.controlPort());
    }

    static FrontEndEmulatorConfig parse(String[] args) {
        Integer port = null;
        String transport = "udp";
        int controlPort = -1;
        int maxBatch = FrontEndEmulatorConfig.DEFAULT_MAX_BATCH;
        Map<String, String> tlsOptions = new LinkedHashMap<>();
        for (Map.Entry<String, String> option :
                EmulatorCommandLine.options(args).entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "--port" -> port = EmulatorCommandLine.number(option.getKey(), value);
                case "--transport" -> transport = value;
                case "--control-port" -> controlPort = EmulatorCommandLine.number(option.getKey(), value);
                case "--max-batch" -> maxBatch = EmulatorCommandLine.number(option.getKey(), value);
                default -> {
                    if (!EmulatorCommandLine.isTlsOption(option.getKey())) {
                        throw new IllegalArgumentException("unknown option " + option.getKey());
                    }
                    tlsOptions.put(option.getKey(), value);
                }
            }
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required (0 for a free port)");
        }
        return new FrontEndEmulatorConfig(port, transport, controlPort, EmulatorCommandLine.tls(tlsOptions), maxBatch);
    }
}

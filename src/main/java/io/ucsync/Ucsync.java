package io.ucsync;

import io.ucsync.app.Connector;
import io.ucsync.app.StartFailure;
import io.ucsync.config.ConfigException;
import io.ucsync.lab.control.ControlCommand;
import io.ucsync.lab.frontend.FrontEndEmulatorCommand;
import io.ucsync.lab.tserver.TServerEmulatorCommand;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Entry point of target/ucsync.jar. Without a subcommand it runs the connector on camel-main;
 * a subcommand runs one of the emulators that the default run, the tests and route development use.
 */
public final class Ucsync {

    /** A command-line tool run with the arguments that follow its name. */
    @FunctionalInterface
    public interface Subcommand {
        void run(String[] args) throws Exception;
    }

    private static final Map<String, Subcommand> SUBCOMMANDS = Map.of(
            "tserver-emulator", TServerEmulatorCommand::run,
            "frontend-emulator", FrontEndEmulatorCommand::run,
            "control", ControlCommand::run);

    private Ucsync() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && SUBCOMMANDS.containsKey(args[0])) {
            SUBCOMMANDS.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0) {
            System.err.println("unknown command '" + args[0] + "'; commands: " + SUBCOMMANDS.keySet()
                    + " or none to run the connector");
            System.exit(2);
        }
        runConnector();
    }

    /**
     * The connector, configured by config/application.properties (or the file given by -Ducsync.config). A start that
     * fails says why in one line and exits with status 1 (a configuration with several problems lists each).
     */
    private static void runConnector() {
        Path configFile = Path.of(System.getProperty("ucsync.config", "config/application.properties"));
        Connector connector;
        try {
            connector = Connector.create(configFile);
        } catch (ConfigException e) {
            if (e.problems().size() == 1) {
                System.err.println("ucsync cannot start; fix the configuration: "
                        + e.problems().get(0));
            } else {
                System.err.println("ucsync cannot start; fix the configuration:");
                e.problems().forEach(problem -> System.err.println("  " + problem));
            }
            System.exit(1);
            return;
        } catch (Exception e) {
            // the embedded lab's ports, the state store: taken before camel-main starts
            StartFailure.report(LoggerFactory.getLogger(Ucsync.class), e, configFile);
            System.exit(1);
            return;
        }
        if (!connector.run()) {
            // also ends what a failed start may leave behind (JAIN-SIP's event scanner threads)
            System.exit(1);
        }
    }
}

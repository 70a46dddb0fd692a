package io.ucsync;

import java.util.Arrays;
import java.util.Map;

import org.apache.camel.main.Main;

import io.ucsync.emulator.tserver.TServerEmulatorCommand;

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
            "tserver-emulator", TServerEmulatorCommand::run);

    private Ucsync() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && SUBCOMMANDS.containsKey(args[0])) {
            SUBCOMMANDS.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && !args[0].startsWith("-")) {
            System.err.println("unknown command '" + args[0] + "'; commands: " + SUBCOMMANDS.keySet()
                    + " or none to run the connector");
            System.exit(2);
        }
        runConnector(args);
    }

    private static void runConnector(String[] args) throws Exception {
        Main main = new Main(Ucsync.class);
        main.run(args);
    }
}

package io.ucsync.lab.control;

import io.ucsync.tls.TlsSettings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/** What the emulators' command lines share: refusing bad arguments, numbers, and running until the process stops. */
public final class EmulatorCommandLine {

    private EmulatorCommandLine() {}

    /**
     * Runs an emulator from its command line: {@code --help} prints the usage; otherwise the arguments are parsed
     * (a bad one refused with the usage, exit status 2), the emulator started, one line saying where it listens,
     * then served until the process stops.
     */
    public static <C, E extends AutoCloseable> void run(
            String command,
            String usage,
            String[] args,
            Function<String[], C> parse,
            Function<C, E> start,
            Function<E, String> started)
            throws InterruptedException {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(usage);
            return;
        }
        C config;
        try {
            config = parse.apply(args);
        } catch (IllegalArgumentException e) {
            refuse(command, e.getMessage(), usage);
            return;
        }
        E emulator = start.apply(config);
        serveUntilStopped(command, emulator, started.apply(emulator));
    }

    /** The {@code --option value} pairs of a command line, in order; an option without its value is refused. */
    public static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    /** Prints the problem and the usage and exits with status 2. */
    public static void refuse(String command, String problem, String usage) {
        System.err.println(command + ": " + problem);
        System.err.println(usage);
        System.exit(2);
    }

    /** Prints one line saying where the emulator listens, then waits until the process is stopped, and closes it. */
    static void serveUntilStopped(String command, AutoCloseable emulator, String started) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                emulator.close();
                            } catch (Exception e) {
                                System.err.println(command + ": stopping: " + e.getMessage());
                            } finally {
                                stopped.countDown();
                            }
                        },
                        command + "-shutdown"));
        System.out.println(started);
        System.out.flush();
        stopped.await();
    }

    /** The TLS options both emulators take; {@link #tls} reads them. */
    public static final String TLS_USAGE = "[--keystore FILE.p12 --keystore-password PW [--truststore FILE.p12"
            + " --truststore-password PW] [--client-auth none|want|require]]";

    /** Whether the option is one of {@link #TLS_USAGE}. */
    public static boolean isTlsOption(String option) {
        return option.equals("--keystore")
                || option.equals("--keystore-password")
                || option.equals("--truststore")
                || option.equals("--truststore-password")
                || option.equals("--client-auth");
    }

    /**
     * The emulator's TLS settings from its TLS options, or null (plain) without {@code --keystore}. Emulators listen on
     * loopback addresses whatever their certificate names, so they do not check host names when they connect out.
     */
    public static TlsSettings tls(Map<String, String> tlsOptions) {
        String keystore = tlsOptions.get("--keystore");
        String truststore = tlsOptions.get("--truststore");
        String clientAuthOption = tlsOptions.getOrDefault("--client-auth", "none");
        TlsSettings.ClientAuth clientAuth = switch (clientAuthOption) {
            case "none" -> TlsSettings.ClientAuth.NONE;
            case "want" -> TlsSettings.ClientAuth.WANT;
            case "require" -> TlsSettings.ClientAuth.REQUIRE;
            default ->
                throw new IllegalArgumentException(
                        "--client-auth is none, want or require, not '" + clientAuthOption + "'");
        };
        if (keystore == null) {
            if (!tlsOptions.isEmpty()) {
                throw new IllegalArgumentException(
                        "--truststore and --client-auth need --keystore (the emulator's certificate)");
            }
            return null;
        }
        return new TlsSettings(
                Path.of(keystore),
                tlsOptions.get("--keystore-password"),
                truststore == null ? null : Path.of(truststore),
                tlsOptions.get("--truststore-password"),
                "PKCS12",
                clientAuth,
                false);
    }

    public static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, not '" + value + "'");
        }
    }
}

package io.ucsync.app;

import java.io.IOException;
import java.io.Reader;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * Why ucsync could not start, in one line that names what failed and the fix, for the start of
 * {@code java -jar target/ucsync.jar}: a port in use (a second start while the first runs), the state store locked by
 * another process, a file that cannot be read; anything else by the innermost messages of the failure.
 */
public final class StartFailure {

    /** H2's error code for a database file another process holds open (org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1). */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    private static final Pattern HOST_PORT =
            Pattern.compile("(?:[0-9.]+|localhost|\\[[0-9a-fA-F:]*\\]|[\\w.-]+):(\\d{1,5})\\b");
    private static final Pattern PORT = Pattern.compile("\\bport (\\d{1,5})\\b");
    private static final Pattern H2_FILE = Pattern.compile("\"([^\"]+)\"");

    /** The system property that adds the failure's stack trace to its line: {@code -Ducsync.debug=true}. */
    public static final String DEBUG_PROPERTY = "ucsync.debug";

    private StartFailure() {}

    /** Logs why ucsync could not start in one ERROR line; with {@code -Ducsync.debug=true} the stack trace follows. */
    public static void report(Logger log, Throwable failure, Path configFile) {
        if (Boolean.getBoolean(DEBUG_PROPERTY)) {
            log.error("ucsync cannot start: {}", describe(failure, configFile), failure);
        } else {
            log.error("ucsync cannot start: {}", describe(failure, configFile));
        }
    }

    /** One line: what failed, and what to do about it; {@code configFile} is searched for the key at fault. */
    public static String describe(Throwable failure, Path configFile) {
        if (causeOf(failure, BindException.class) != null) {
            return portInUse(failure, configFile);
        }
        SQLException sql = causeOf(failure, SQLException.class);
        if (sql != null && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
            Matcher file = H2_FILE.matcher(String.valueOf(sql.getMessage()));
            return "the state store " + (file.find() ? file.group(1) : "file")
                    + " is in use by another process (another"
                    + " ucsync running in this directory?); stop it, or give this one another ucsync.state.jdbc-url in "
                    + configFile;
        }
        FileSystemException file = causeOf(failure, FileSystemException.class);
        if (file != null) {
            return "cannot read " + file.getFile() + (file.getReason() == null ? "" : ": " + file.getReason())
                    + " (" + file.getClass().getSimpleName()
                    + "); fix the path or its permissions, or the key naming it in "
                    + configFile;
        }
        return RouteFiles.describe(failure);
    }

    /**
     * A port of camel-main's HTTP servers (the pages' {@code camel.server.*}, the management server's
     * {@code camel.management.*}) that another process listens on. Those servers log such a failure and start
     * without listening, so ucsync would run without its pages or its health: their ports are tried before
     * camel-main starts.
     */
    public static Optional<String> serverPortInUse(Properties settings, Path configFile) {
        for (String server : List.of("camel.server", "camel.management")) {
            if (!Boolean.parseBoolean(settings.getProperty(server + ".enabled", "false"))) {
                continue;
            }
            String host = settings.getProperty(server + ".host", "0.0.0.0").trim();
            String port = settings.getProperty(server + ".port", server.equals("camel.server") ? "8080" : "9876")
                    .trim();
            if (!port.matches("\\d{1,5}") || host.contains("{{")) {
                continue; // a placeholder Camel resolves: its server reports what it finds
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(host, Integer.parseInt(port)));
            } catch (IOException e) {
                return Optional.of("port " + port + " (" + server + ".port, "
                        + (server.equals("camel.server") ? "the KW page and the dashboard" : "health and metrics")
                        + ") on " + host + " is in use by"
                        + " another process (another ucsync running?): " + e.getMessage() + "; stop it, or change "
                        + server + ".port in " + configFile);
            }
        }
        return Optional.empty();
    }

    private static String portInUse(Throwable failure, Path configFile) {
        String port = null;
        for (Throwable cause = failure;
                cause != null && port == null;
                cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            Matcher hostPort = HOST_PORT.matcher(message);
            Matcher portWord = PORT.matcher(message);
            port = hostPort.find() ? hostPort.group(1) : portWord.find() ? portWord.group(1) : null;
        }
        String what = port == null ? "a port ucsync listens on" : "port " + port;
        List<String> keys = port == null ? List.of() : keysNaming(port, configFile);
        String fix = keys.isEmpty()
                ? "change the port in " + configFile
                : "change " + String.join(" or ", keys) + " in " + configFile;
        return what + " is in use by another process (another ucsync running?): " + RouteFiles.describe(failure)
                + "; stop it, or " + fix;
    }

    /** The keys of the configuration whose value is the port, or else names it as host:port. */
    private static List<String> keysNaming(String port, Path configFile) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            return List.of();
        }
        List<String> exact = new ArrayList<>();
        List<String> within = new ArrayList<>();
        Pattern hostPort = Pattern.compile(":" + port + "(?!\\d)");
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key).trim();
            if (value.equals(port)) {
                exact.add(key);
            } else if (hostPort.matcher(value).find()) {
                within.add(key);
            }
        }
        List<String> keys = exact.isEmpty() ? within : exact;
        keys.sort(null);
        return keys;
    }

    private static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            for (Throwable suppressed : cause.getSuppressed()) {
                if (type.isInstance(suppressed)) {
                    return type.cast(suppressed);
                }
            }
        }
        return null;
    }
}

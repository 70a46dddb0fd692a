package io.ucsync.lab.tserver;

import io.ucsync.lab.control.LineControlServer;
import io.ucsync.tlib.protocol.ConnectionId;
import java.util.Map;

/**
 * The T-Server emulator's control commands (src/main/docs/emulators.md "T-Server emulator"), a thin parser over its
 * API.
 */
final class ControlCommands {

    static final String USAGE = "commands: states | state DN | call FROM_DN TO_DN | answer CONNID | release CONNID"
            + " | link down | link up | promote | stats";

    private ControlCommands() {}

    static Map<String, Object> run(TServerEmulator emulator, String[] words) {
        String command = words[0];
        switch (command) {
            case "states" -> {
                LineControlServer.requireArguments(words, 0, 0, USAGE);
                return Map.of("states", emulator.states());
            }
            case "state" -> {
                LineControlServer.requireArguments(words, 1, 1, USAGE);
                return Map.of("state", emulator.state(words[1]));
            }
            case "call" -> {
                LineControlServer.requireArguments(words, 2, 2, USAGE);
                return Map.of("connId", emulator.call(words[1], words[2]).toString());
            }
            case "answer" -> {
                LineControlServer.requireArguments(words, 1, 1, USAGE);
                emulator.answer(connId(words[1]));
                return Map.of();
            }
            case "release" -> {
                LineControlServer.requireArguments(words, 1, 1, USAGE);
                emulator.release(connId(words[1]));
                return Map.of();
            }
            case "link" -> {
                LineControlServer.requireArguments(words, 1, 1, USAGE);
                switch (words[1]) {
                    case "down" -> emulator.linkDown();
                    case "up" -> emulator.linkUp();
                    default -> throw new IllegalArgumentException("link takes 'up' or 'down', not '" + words[1] + "'");
                }
                return Map.of();
            }
            case "promote" -> {
                LineControlServer.requireArguments(words, 0, 0, USAGE);
                emulator.promote();
                return Map.of("role", emulator.role().name());
            }
            case "stats" -> {
                LineControlServer.requireArguments(words, 0, 0, USAGE);
                return Map.of("stats", emulator.stats());
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "'; " + USAGE);
        }
    }

    private static ConnectionId connId(String hex) {
        try {
            return ConnectionId.parse(hex);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a ConnID is 16 hex digits, not '" + hex + "'");
        }
    }
}

package io.ucsync.lab.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code ucsync.jar control HOST:PORT COMMAND...}: sends one command to an emulator's control port and prints the
 * JSON reply, so that the lab can be driven from a shell that has no nc.
 */
public final class ControlCommand {

    static final String USAGE =
            "usage: control HOST:PORT COMMAND... (e.g. control 127.0.0.1:5071 presence sip:kw01@ucsync.test 6500)";

    private ControlCommand() {}

    public static void run(String[] args) throws IOException {
        int colon = args.length < 2 ? -1 : args[0].lastIndexOf(':');
        if (colon <= 0) {
            EmulatorCommandLine.refuse(
                    "control",
                    args.length < 2 ? "HOST:PORT and a command are needed" : "'" + args[0] + "' is not HOST:PORT",
                    USAGE);
            return;
        }
        int port;
        try {
            port = EmulatorCommandLine.number("port", args[0].substring(colon + 1));
        } catch (IllegalArgumentException e) {
            EmulatorCommandLine.refuse("control", e.getMessage(), USAGE);
            return;
        }
        try (Socket socket = new Socket(args[0].substring(0, colon), port);
                PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            out.println(String.join(" ", Arrays.copyOfRange(args, 1, args.length)));
            System.out.println(in.readLine());
        }
    }
}

package io.ucsync.emulator.control;

import java.util.concurrent.CountDownLatch;

/** What the emulators' command lines share: refusing bad arguments, numbers, and running until the process stops. */
public final class EmulatorCommandLine {

    private EmulatorCommandLine() {
    }

    /** Prints the problem and the usage and exits with status 2. */
    public static void refuse(String command, String problem, String usage) {
        System.err.println(command + ": " + problem);
        System.err.println(usage);
        System.exit(2);
    }

    /** Prints one line saying where the emulator listens, then waits until the process is stopped, and closes it. */
    public static void serveUntilStopped(String command, AutoCloseable emulator, String started) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                emulator.close();
            } catch (Exception e) {
                System.err.println(command + ": stopping: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, command + "-shutdown"));
        System.out.println(started);
        System.out.flush();
        stopped.await();
    }

    public static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, not '" + value + "'");
        }
    }
}

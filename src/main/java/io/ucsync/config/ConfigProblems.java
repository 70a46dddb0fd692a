package io.ucsync.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of one configuration file, so an admin sees them all at once. */
final class ConfigProblems {

    private final String file;
    private final List<String> problems = new ArrayList<>();

    ConfigProblems(String file) {
        this.file = file;
    }

    void at(int line, String reason, String fix) {
        problems.add(file + ":" + line + ": " + reason + " (fix: " + fix + ")");
    }

    void whole(String reason, String fix) {
        problems.add(file + ": " + reason + " (fix: " + fix + ")");
    }

    void throwIfAny() throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}

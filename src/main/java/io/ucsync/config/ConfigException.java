package io.ucsync.config;

import java.util.List;

/** A configuration file was refused; every problem names the file, the line (when known), the reason and a fix. */
public class ConfigException extends Exception {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

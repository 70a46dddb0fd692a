package io.ucsync.app;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The options of a Camel endpoint written as keys of application.properties under a prefix, in kebab case
 * ({@code ucsync.tserver.east.trust-store} is option {@code trustStore} of T-Server east's link), checked against
 * the options the component's generated descriptor lists.
 */
final class EndpointOptions {

    private EndpointOptions() {}

    /**
     * The options under {@code prefix}, in camelCase: {@code defaults}' keys under it, then the file's; a key with a
     * further dot after the prefix is a section of its own, not an option.
     */
    static Map<String, String> under(String prefix, Properties properties, Map<String, String> defaults) {
        Map<String, String> options = new TreeMap<>();
        defaults.forEach((key, value) -> put(options, prefix, key, value));
        for (String key : properties.stringPropertyNames()) {
            put(options, prefix, key, properties.getProperty(key).trim());
        }
        return options;
    }

    private static void put(Map<String, String> options, String prefix, String key, String value) {
        if (key.startsWith(prefix) && key.indexOf('.', prefix.length()) < 0) {
            options.put(camelCase(key.substring(prefix.length())), value);
        }
    }

    /**
     * A problem for each option the endpoint does not have.
     *
     * @param known the endpoint's options, as the component's generated EndpointUriFactory lists them
     * @param what  what the options set, for the message ("a T-Server link")
     * @param doc   the component's page that lists them
     */
    static List<String> unknown(
            String fileName, String prefix, Map<String, String> options, Set<String> known, String what, String doc) {
        return options.keySet().stream()
                .filter(option -> !known.contains(option) || option.equals("name"))
                .map(option ->
                        fileName + ": " + prefix + kebab(option) + " is not an option of " + what + " (fix: one of "
                                + known.stream()
                                        .filter(o -> !o.equals("name"))
                                        .sorted()
                                        .map(EndpointOptions::kebab)
                                        .toList()
                                + ", see " + doc + ")")
                .toList();
    }

    /** {@code trust-store} -> {@code trustStore}; a name already in camelCase stays as it is. */
    static String camelCase(String kebab) {
        StringBuilder name = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }

    /** {@code trustStore} -> {@code trust-store}, as the keys are written. */
    static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}

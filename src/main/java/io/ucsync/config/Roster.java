package io.ucsync.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The knowledge workers ucsync keeps in step (config/roster.csv):
 * {@code sip_uri,dn,agent_id,tserver[,queue[,password]]}, one worker per line, {@code #} starts a comment.
 */
public final class Roster {

    private final Map<String, RosterEntry> bySipUri;
    private final Map<String, RosterEntry> byDn;
    private final Map<String, RosterEntry> byAgentId;

    private Roster(List<RosterEntry> entries) {
        bySipUri = index(entries, RosterEntry::sipUri);
        byDn = index(entries, RosterEntry::dn);
        byAgentId = index(entries, RosterEntry::agentId);
    }

    private static Map<String, RosterEntry> index(List<RosterEntry> entries, Function<RosterEntry, String> key) {
        Map<String, RosterEntry> index = new LinkedHashMap<>();
        entries.forEach(entry -> index.put(key.apply(entry), entry));
        return index;
    }

    public List<RosterEntry> entries() {
        return List.copyOf(bySipUri.values());
    }

    public Optional<RosterEntry> bySipUri(String sipUri) {
        return Optional.ofNullable(bySipUri.get(sipUri));
    }

    public Optional<RosterEntry> byDn(String dn) {
        return Optional.ofNullable(byDn.get(dn));
    }

    public Optional<RosterEntry> byAgentId(String agentId) {
        return Optional.ofNullable(byAgentId.get(agentId));
    }

    public static Roster load(Path file, Set<String> knownTServers) throws ConfigException {
        try {
            return parse(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8), knownTServers);
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot be read: " + e.getMessage()));
        }
    }

    /**
     * Reads a roster. A header line starting with {@code sip_uri} is allowed. Every worker needs a SIP URI,
     * a DN, an AgentID and a T-Server; SIP URI, DN and AgentID must each be unique.
     *
     * @param knownTServers the T-Server names configured, so that a typo in one is refused here
     */
    public static Roster parse(String fileName, List<String> lines, Set<String> knownTServers) throws ConfigException {
        ConfigProblems problems = new ConfigProblems(fileName);
        Map<String, Integer> uriLines = new HashMap<>();
        Map<String, Integer> dnLines = new HashMap<>();
        Map<String, Integer> agentLines = new HashMap<>();
        List<RosterEntry> entries = new ArrayList<>();
        for (int index = 0; index < lines.size(); index++) {
            int lineNumber = index + 1;
            String line = lines.get(index);
            int hash = line.indexOf('#');
            line = (hash < 0 ? line : line.substring(0, hash)).trim();
            if (line.isEmpty() || line.startsWith("sip_uri")) {
                continue;
            }
            String[] fields = line.split(",", -1);
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fields[i].trim();
            }
            if (fields.length < 4 || fields.length > 6) {
                problems.at(lineNumber, fields.length + " fields", "write sip_uri,dn,agent_id,tserver[,queue[,password]]");
                continue;
            }
            if (!fields[0].startsWith("sip:") || fields[0].indexOf('@') < 0) {
                problems.at(lineNumber, "'" + fields[0] + "' is not a SIP URI", "write it as sip:user@domain");
                continue;
            }
            if (fields[1].isEmpty() || fields[2].isEmpty()) {
                problems.at(lineNumber, "empty DN or AgentID", "fill in the worker's DN and AgentID");
                continue;
            }
            if (!knownTServers.contains(fields[3])) {
                problems.at(lineNumber, "unknown T-Server '" + fields[3] + "'", "use one of " + knownTServers + " or configure it");
                continue;
            }
            boolean unique = unique(uriLines, fields[0], "SIP URI", lineNumber, problems)
                    & unique(dnLines, fields[1], "DN", lineNumber, problems)
                    & unique(agentLines, fields[2], "AgentID", lineNumber, problems);
            if (unique) {
                entries.add(new RosterEntry(fields[0], fields[1], fields[2], fields[3],
                        optional(fields, 4), optional(fields, 5)));
            }
        }
        problems.throwIfAny();
        return new Roster(entries);
    }

    private static boolean unique(Map<String, Integer> seen, String value, String what, int lineNumber, ConfigProblems problems) {
        Integer earlier = seen.putIfAbsent(value, lineNumber);
        if (earlier != null) {
            problems.at(lineNumber, what + " " + value + " is already on line " + earlier, "give each worker their own " + what);
            return false;
        }
        return true;
    }

    private static String optional(String[] fields, int index) {
        return fields.length > index && !fields[index].isEmpty() ? fields[index] : null;
    }
}

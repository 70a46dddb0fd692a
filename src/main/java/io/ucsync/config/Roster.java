package io.ucsync.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The knowledge workers ucsync keeps in step (config/roster.csv): a header line naming the columns, in any order,
 * then one worker per line; {@code #} starts a comment. Columns: sip_uri, dn, agent_id, tserver (required), queue,
 * password, pool, map (optional: empty means none, or the default).
 */
public final class Roster {

    /** The roster's columns; their names in the header line are these in lower case. */
    private enum Column {
        SIP_URI(true),
        DN(true),
        AGENT_ID(true),
        TSERVER(true),
        QUEUE(false),
        PASSWORD(false),
        POOL(false),
        MAP(false);

        static final String ALL =
                String.join(", ", Arrays.stream(values()).map(Column::header).toList());
        static final String REQUIRED = String.join(
                ", ",
                Arrays.stream(values())
                        .filter(column -> column.required)
                        .map(Column::header)
                        .toList());

        private final boolean required;

        Column(boolean required) {
            this.required = required;
        }

        String header() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Column named(String name) {
            return Arrays.stream(values())
                    .filter(column -> column.header().equals(name))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** The header line of the shipped roster, offered when one is missing. */
    private static final String SHIPPED_HEADER = "sip_uri,dn,agent_id,tserver,queue,password";

    private final Map<String, RosterEntry> bySipUri;
    private final Map<String, RosterEntry> byDn;
    private final Map<String, RosterEntry> byAgentId;
    /** Once: the dashboard reads the whole list every quarter of a second. */
    private final List<RosterEntry> entries;

    private Roster(List<RosterEntry> entries) {
        bySipUri = index(entries, RosterEntry::sipUri);
        byDn = index(entries, RosterEntry::dn);
        byAgentId = index(entries, RosterEntry::agentId);
        this.entries = List.copyOf(bySipUri.values());
    }

    private static Map<String, RosterEntry> index(List<RosterEntry> entries, Function<RosterEntry, String> key) {
        Map<String, RosterEntry> index = new LinkedHashMap<>();
        entries.forEach(entry -> index.put(key.apply(entry), entry));
        return index;
    }

    public List<RosterEntry> entries() {
        return entries;
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

    public static Roster load(Path file, Set<String> knownTServers, Set<String> knownPools) throws ConfigException {
        try {
            return parse(
                    file.getFileName().toString(),
                    file.toAbsolutePath().getParent(),
                    Files.readAllLines(file, StandardCharsets.UTF_8),
                    knownTServers,
                    knownPools);
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot be read: " + e.getMessage()));
        }
    }

    /**
     * Reads a roster: a header line naming the columns, then one worker per line. Every worker needs a SIP URI,
     * a DN, an AgentID and a T-Server; SIP URI, DN and AgentID must each be unique.
     *
     * @param directory     where a map named by a relative path is (the roster's own directory)
     * @param knownTServers the T-Server names configured, so that a typo in one is refused here
     * @param knownPools    the UC pools configured by name (a worker with no pool is in the default one)
     */
    public static Roster parse(
            String fileName, Path directory, List<String> lines, Set<String> knownTServers, Set<String> knownPools)
            throws ConfigException {
        ConfigProblems problems = new ConfigProblems(fileName);
        Map<String, Integer> uriLines = new HashMap<>();
        Map<String, Integer> dnLines = new HashMap<>();
        Map<String, Integer> agentLines = new HashMap<>();
        List<RosterEntry> entries = new ArrayList<>();
        Map<Column, Integer> columns = null;
        int headerLine = 0;
        for (int index = 0; index < lines.size(); index++) {
            int lineNumber = index + 1;
            String line = lines.get(index);
            int hash = line.indexOf('#');
            line = (hash < 0 ? line : line.substring(0, hash)).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fields[i].trim();
            }
            if (columns == null) {
                columns = readHeader(fields, lineNumber, problems);
                headerLine = lineNumber;
                if (columns == null) {
                    break; // without its columns no worker line can be read
                }
                continue;
            }
            if (fields.length > columns.size()) {
                problems.at(
                        lineNumber,
                        fields.length + " fields, but the header line (line " + headerLine + ") names " + columns.size()
                                + " columns",
                        "write one field per column, an empty one for a column left out");
                continue;
            }
            Map<Column, String> worker = new EnumMap<>(Column.class);
            for (Column column : Column.values()) {
                Integer position = columns.get(column);
                worker.put(column, position != null && position < fields.length ? fields[position] : "");
            }
            RosterEntry entry = readWorker(worker, directory, knownTServers, knownPools, lineNumber, problems);
            if (entry == null) {
                continue;
            }
            boolean unique = unique(uriLines, entry.sipUri(), "SIP URI", lineNumber, problems)
                    & unique(dnLines, entry.dn(), "DN", lineNumber, problems)
                    & unique(agentLines, entry.agentId(), "AgentID", lineNumber, problems);
            if (unique) {
                entries.add(entry);
            }
        }
        if (headerLine == 0) {
            problems.whole(
                    "no header line", "start the file with a line naming its columns, e.g. '" + SHIPPED_HEADER + "'");
        }
        problems.throwIfAny();
        return new Roster(entries);
    }

    /** The columns the header line names, by position; null when it has a problem (each one reported). */
    private static Map<Column, Integer> readHeader(String[] names, int lineNumber, ConfigProblems problems) {
        Map<Column, Integer> columns = new EnumMap<>(Column.class);
        List<String> unknown = new ArrayList<>();
        boolean valid = true;
        for (int position = 0; position < names.length; position++) {
            Column column = Column.named(names[position]);
            if (column == null) {
                unknown.add(names[position]);
                continue;
            }
            Integer earlier = columns.putIfAbsent(column, position);
            if (earlier != null) {
                problems.at(
                        lineNumber,
                        "column " + column.header() + " is named twice (columns " + (earlier + 1) + " and "
                                + (position + 1) + ")",
                        "name each column once");
                valid = false;
            }
        }
        if (columns.isEmpty()) {
            // most likely a worker's line: not echoed, it may hold a password
            problems.at(
                    lineNumber,
                    "the first line is not a header line: it names none of the columns " + Column.ALL,
                    "start the file with a line naming its columns, e.g. '" + SHIPPED_HEADER + "'");
            return null;
        }
        for (String name : unknown) {
            problems.at(
                    lineNumber,
                    name.isEmpty() ? "an empty column name" : "unknown column '" + name + "'",
                    "name the columns " + Column.ALL + ", in any order");
            valid = false;
        }
        for (Column column : Column.values()) {
            if (column.required && !columns.containsKey(column)) {
                problems.at(
                        lineNumber,
                        "no column " + column.header(),
                        "add " + column.header() + " to the header line (" + Column.REQUIRED + " are required)");
                valid = false;
            }
        }
        return valid ? columns : null;
    }

    /** One worker's line, by column; null when it has a problem (reported). */
    private static RosterEntry readWorker(
            Map<Column, String> worker,
            Path directory,
            Set<String> knownTServers,
            Set<String> knownPools,
            int lineNumber,
            ConfigProblems problems) {
        List<String> empty = Arrays.stream(Column.values())
                .filter(column -> column.required && worker.get(column).isEmpty())
                .map(Column::header)
                .toList();
        if (!empty.isEmpty()) {
            problems.at(
                    lineNumber,
                    "no " + String.join(", ", empty),
                    "fill in the worker's " + String.join(", ", empty) + " (" + Column.REQUIRED + " are required)");
            return null;
        }
        String sipUri = worker.get(Column.SIP_URI);
        if (!sipUri.startsWith("sip:") || sipUri.indexOf('@') < 0) {
            problems.at(lineNumber, "'" + sipUri + "' is not a SIP URI", "write it as sip:user@domain");
            return null;
        }
        String tserver = worker.get(Column.TSERVER);
        if (!knownTServers.contains(tserver)) {
            problems.at(
                    lineNumber,
                    "unknown T-Server '" + tserver + "'",
                    "use one of " + knownTServers + " or configure it");
            return null;
        }
        String pool = worker.get(Column.POOL);
        if (!pool.isEmpty() && !knownPools.contains(pool)) {
            problems.at(
                    lineNumber,
                    "unknown UC pool '" + pool + "'",
                    knownPools.isEmpty()
                            ? "leave the pool empty (one pool, ucsync.uc.*) or configure the pool in ucsync.uc." + pool
                                    + ".*"
                            : "use one of " + knownPools
                                    + ", leave it empty for the default pool, or configure ucsync.uc." + pool + ".*");
            return null;
        }
        Path map = null;
        String mapName = worker.get(Column.MAP);
        if (!mapName.isEmpty()) {
            try {
                map = directory.resolve(mapName).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                problems.at(
                        lineNumber,
                        "map '" + mapName + "' is not a file name: " + e.getReason(),
                        "name the map's file, e.g. maps/support.txt");
                return null;
            }
            if (!Files.isRegularFile(map)) {
                problems.at(
                        lineNumber,
                        "map " + mapName + " does not exist (" + map + ")",
                        "correct the map column (relative to the roster's directory), or write the map: config/maps/ has examples");
                return null;
            }
        }
        return new RosterEntry(
                sipUri,
                worker.get(Column.DN),
                worker.get(Column.AGENT_ID),
                tserver,
                optional(worker.get(Column.QUEUE)),
                optional(worker.get(Column.PASSWORD)),
                optional(worker.get(Column.POOL)),
                map);
    }

    private static boolean unique(
            Map<String, Integer> seen, String value, String what, int lineNumber, ConfigProblems problems) {
        Integer earlier = seen.putIfAbsent(value, lineNumber);
        if (earlier != null) {
            problems.at(
                    lineNumber,
                    what + " " + value + " is already on line " + earlier,
                    "give each worker their own " + what);
            return false;
        }
        return true;
    }

    private static String optional(String field) {
        return field.isEmpty() ? null : field;
    }
}

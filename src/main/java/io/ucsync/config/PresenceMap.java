package io.ucsync.config;

import io.ucsync.engine.AgentState;
import io.ucsync.presence.Availability;
import io.ucsync.presence.AvailabilityNames;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The presence map (config/presence-map.txt): UC presence to agent state, and for the reverse mode,
 * agent state to the presence ucsync publishes. The format is documented at the top of the shipped file.
 * <p>
 * Forward rules match an availability class and, optionally, an activity token and a source; the most
 * specific matching rule wins (activity counts more than source). Every availability class needs a rule,
 * so every presence maps to something. Each rule keeps its file, line and text, so that the reason for an
 * agent state (the dashboard's "why", the audit) can name the rule that decided it.
 */
public final class PresenceMap {

    /** The left side of a forward rule: {@code Availability[/activity][@source]}. */
    public record PresencePattern(Availability availability, String activity, PresenceSource source) {

        boolean matches(Presence presence) {
            return presence.availability() == availability
                    && (activity == null || activity.equals(presence.activity()))
                    && (source == null || source == presence.source());
        }

        int specificity() {
            return (activity != null ? 2 : 0) + (source != null ? 1 : 0);
        }
    }

    /**
     * One forward rule as the admin wrote it.
     *
     * @param file       the map's file name
     * @param line       its line in the file
     * @param text       the rule, with the spaces that align the shipped file's columns taken out
     * @param agentState the agent state it maps to
     */
    public record Rule(String file, int line, String text, AgentState agentState) {

        /** e.g. {@code support.txt:14 'Busy/in-a-meeting => NotReady AuxWork InAMeeting'} */
        @Override
        public String toString() {
            return file + ":" + line + " '" + text + "'";
        }
    }

    /** The reverse map's keys: the agent-state situations ucsync publishes a presence for. */
    static final String REVERSE_READY = "Ready";

    static final String REVERSE_NOT_READY = "NotReady";
    static final String REVERSE_LOGGED_OUT = "LoggedOut";
    static final String REVERSE_ON_CALL = "OnCall";
    private static final String REVERSE_SECTION = "[reverse]";

    private final String name;
    private final Map<PresencePattern, Rule> forward;
    private final Map<String, PublishedPresence> reverse;

    private PresenceMap(String name, Map<PresencePattern, Rule> forward, Map<String, PublishedPresence> reverse) {
        this.name = name;
        this.forward = Map.copyOf(forward);
        this.reverse = Map.copyOf(reverse);
    }

    /** The map's file name. */
    public String name() {
        return name;
    }

    /** The most specific rule that matches a presence: the agent state it maps to, and where that is written. */
    public Rule ruleFor(Presence presence) {
        PresencePattern best = null;
        for (PresencePattern pattern : forward.keySet()) {
            if (pattern.matches(presence) && (best == null || pattern.specificity() > best.specificity())) {
                best = pattern;
            }
        }
        // parse() refuses a map without a rule for every availability class, so a match always exists.
        return forward.get(Objects.requireNonNull(best, "no rule for " + presence.availability()));
    }

    /** The presence to publish for an agent state in the reverse mode; a call in progress takes the OnCall rule. */
    public PublishedPresence presenceFor(AgentState state, boolean onCall) {
        if (onCall) {
            return reverse.get(REVERSE_ON_CALL);
        }
        if (state instanceof AgentState.NotReady notReady) {
            PublishedPresence byReason =
                    notReady.reasonCode() == null ? null : reverse.get(REVERSE_NOT_READY + ":" + notReady.reasonCode());
            return byReason != null ? byReason : reverse.get(REVERSE_NOT_READY);
        }
        return reverse.get(state instanceof AgentState.Ready ? REVERSE_READY : REVERSE_LOGGED_OUT);
    }

    public static PresenceMap load(Path file) throws ConfigException {
        try {
            return parse(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot be read: " + e.getMessage()));
        }
    }

    public static PresenceMap parse(String fileName, List<String> lines) throws ConfigException {
        ConfigProblems problems = new ConfigProblems(fileName);
        Map<PresencePattern, Rule> forward = new HashMap<>();
        Map<String, PublishedPresence> reverse = new HashMap<>();
        boolean inReverse = false;
        for (int index = 0; index < lines.size(); index++) {
            int lineNumber = index + 1;
            String line = stripComment(lines.get(index));
            if (line.isEmpty()) {
                continue;
            }
            if (line.equalsIgnoreCase(REVERSE_SECTION)) {
                inReverse = true;
                continue;
            }
            int arrow = line.indexOf("=>");
            if (arrow < 0) {
                problems.at(
                        lineNumber,
                        "no '=>' in '" + line + "'",
                        "write LEFT => RIGHT, e.g. 'Busy => NotReady AuxWork Busy'");
                continue;
            }
            String left = line.substring(0, arrow).trim();
            String right = line.substring(arrow + 2).trim();
            if (inReverse) {
                readReverseRule(left, right, lineNumber, reverse, problems);
            } else {
                readForwardRule(fileName, left, right, lineNumber, forward, problems);
            }
        }
        Set<Availability> covered = EnumSet.noneOf(Availability.class);
        forward.keySet().stream()
                .filter(pattern -> pattern.specificity() == 0)
                .forEach(pattern -> covered.add(pattern.availability()));
        for (Availability availability : Availability.values()) {
            if (!covered.contains(availability)) {
                problems.whole(
                        "no rule for availability " + AvailabilityNames.name(availability),
                        "add a line '" + AvailabilityNames.name(availability) + " => ...'");
            }
        }
        for (String required : List.of(REVERSE_READY, REVERSE_NOT_READY, REVERSE_LOGGED_OUT, REVERSE_ON_CALL)) {
            if (!reverse.containsKey(required)) {
                problems.whole(
                        "no reverse rule for " + required,
                        "add '" + required + " => Availability[/activity]' under " + REVERSE_SECTION);
            }
        }
        problems.throwIfAny();
        return new PresenceMap(fileName, forward, reverse);
    }

    private static void readForwardRule(
            String fileName,
            String left,
            String right,
            int lineNumber,
            Map<PresencePattern, Rule> forward,
            ConfigProblems problems) {
        PresencePattern pattern = parsePattern(left, lineNumber, problems);
        AgentState state = parseAgentState(right, lineNumber, problems);
        if (pattern == null || state == null) {
            return;
        }
        Rule rule = new Rule(fileName, lineNumber, left + " => " + String.join(" ", right.split("\\s+")), state);
        Rule earlier = forward.putIfAbsent(pattern, rule);
        if (earlier != null) {
            problems.at(
                    lineNumber,
                    "'" + left + "' already has a rule on line " + earlier.line(),
                    "keep one of the two lines");
        }
    }

    private static PresencePattern parsePattern(String text, int lineNumber, ConfigProblems problems) {
        String rest = text;
        PresenceSource source = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String sourceName = rest.substring(at + 1);
            try {
                source = PresenceSource.valueOf(sourceName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.at(
                        lineNumber,
                        "unknown source '" + sourceName + "'",
                        "use one of user, machine, calendar, phone, aggregate");
                return null;
            }
            rest = rest.substring(0, at);
        }
        String activity = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            activity = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
            if (activity.isEmpty()) {
                problems.at(
                        lineNumber,
                        "empty activity after '/'",
                        "write an activity token such as in-a-meeting, or drop the '/'");
                return null;
            }
        }
        Availability availability = AvailabilityNames.parse(rest);
        if (availability == null) {
            problems.at(lineNumber, "unknown availability '" + rest + "'", "use one of " + AvailabilityNames.ALL);
            return null;
        }
        return new PresencePattern(availability, activity, source);
    }

    private static AgentState parseAgentState(String text, int lineNumber, ConfigProblems problems) {
        String[] words = text.split("\\s+");
        switch (words[0]) {
            case "Ready", "LoggedOut" -> {
                if (words.length > 1) {
                    problems.at(
                            lineNumber,
                            words[0] + " takes nothing after it: '" + text + "'",
                            "write just '" + words[0] + "'");
                    return null;
                }
                return words[0].equals("Ready") ? AgentState.READY : AgentState.LOGGED_OUT;
            }
            case "NotReady" -> {
                if (words.length < 2 || words.length > 3) {
                    problems.at(
                            lineNumber,
                            "NotReady needs a work mode and an optional reason code: '" + text + "'",
                            "write 'NotReady AuxWork ReasonCode'");
                    return null;
                }
                AgentWorkMode workMode = notReadyWorkMode(words[1]);
                if (workMode == null) {
                    problems.at(
                            lineNumber,
                            "'" + words[1] + "' is not a NotReady work mode",
                            "use one of AuxWork, AfterCallWork, NoCallDisconnect, WalkAway");
                    return null;
                }
                return AgentState.notReady(workMode, words.length == 3 ? words[2] : null);
            }
            default -> {
                problems.at(
                        lineNumber,
                        "unknown agent state '" + words[0] + "'",
                        "use Ready, LoggedOut or NotReady WorkMode Reason");
                return null;
            }
        }
    }

    private static AgentWorkMode notReadyWorkMode(String name) {
        for (AgentWorkMode mode : List.of(
                AgentWorkMode.AuxWork,
                AgentWorkMode.AfterCallWork,
                AgentWorkMode.NoCallDisconnect,
                AgentWorkMode.WalkAway)) {
            if (mode.name().equals(name)) {
                return mode;
            }
        }
        return null;
    }

    private static void readReverseRule(
            String left,
            String right,
            int lineNumber,
            Map<String, PublishedPresence> reverse,
            ConfigProblems problems) {
        boolean known = left.equals(REVERSE_READY)
                || left.equals(REVERSE_NOT_READY)
                || left.equals(REVERSE_LOGGED_OUT)
                || left.equals(REVERSE_ON_CALL)
                || (left.startsWith(REVERSE_NOT_READY + ":") && left.length() > REVERSE_NOT_READY.length() + 1);
        if (!known) {
            problems.at(
                    lineNumber,
                    "unknown agent state '" + left + "' in " + REVERSE_SECTION,
                    "use Ready, NotReady, NotReady:ReasonCode, LoggedOut or OnCall");
            return;
        }
        PublishedPresence presence = PublishedPresence.parse(right);
        if (presence == null) {
            problems.at(
                    lineNumber,
                    "'" + right + "' is not Availability[/activity]",
                    "use one of " + AvailabilityNames.ALL + ", e.g. Busy/on-the-phone");
            return;
        }
        if (reverse.putIfAbsent(left, presence) != null) {
            problems.at(lineNumber, "'" + left + "' already has a reverse rule", "keep one of the two lines");
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return (hash < 0 ? line : line.substring(0, hash)).trim();
    }
}

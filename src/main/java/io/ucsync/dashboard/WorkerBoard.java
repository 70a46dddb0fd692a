package io.ucsync.dashboard;

import io.ucsync.config.RosterEntry;
import io.ucsync.engine.WorkerFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The dashboard's picture of every rostered worker, one {@link WorkerRow} each in roster order, and the counts the
 * overview shows (by agent state, presence, flag, T-Server, pool, partition; drift), kept up to date one changed
 * worker at a time: with 100,000 workers an overview costs no pass over them, and a page of the table one pass over
 * small rows. The feed refreshes it ({@link #refresh}); the API, the feed's streams and the metrics read it.
 */
public final class WorkerBoard {

    /** A worker whose row changed: before (null for a worker new to the board), after, and the view it was read from. */
    record Change(String sipUri, WorkerRow before, WorkerRow after, Map<String, Object> view) {}

    /** The workers a query matches: how many, and the rows of the page it asks for. */
    record Page(int total, List<WorkerRow> rows) {}

    /** The counts, as they stood at one moment. */
    record Tally(
            int workers,
            Map<String, Integer> agentStates,
            Map<String, Integer> notReadyReasons,
            Map<String, Integer> presences,
            int drift,
            Map<String, Integer> flags,
            Map<String, Integer> tservers,
            Map<String, Integer> pools,
            Map<Integer, Integer> partitions) {}

    /** The rows in roster order, and where each worker's row is. */
    private record Rows(AtomicReferenceArray<WorkerRow> rows, Map<String, Integer> positions) {
        static final Rows NONE = new Rows(new AtomicReferenceArray<>(0), Map.of());
    }

    private final Supplier<List<RosterEntry>> roster;
    private final Function<String, WorkerFacts> facts;
    private final Function<String, Map<String, Object>> view;
    private final IntFunction<Optional<String>> ownerOf;
    private volatile Rows rows = Rows.NONE;
    private volatile boolean built;
    /** Guarded by this. */
    private final Counts counts = new Counts();
    /** The workers with a preview offered, to see their offers withdrawn when the time is up. Guarded by this. */
    private final Set<String> offered = new HashSet<>();

    /**
     * @param roster the rostered workers, in roster order
     * @param facts  a worker's saved facts
     * @param view    what the dashboard shows of a worker (the engine's view, the preview offered, the partition)
     * @param ownerOf the node that owns a partition now, as far as this node knows, for the owner filter
     */
    public WorkerBoard(
            Supplier<List<RosterEntry>> roster,
            Function<String, WorkerFacts> facts,
            Function<String, Map<String, Object>> view,
            IntFunction<Optional<String>> ownerOf) {
        this.roster = roster;
        this.facts = facts;
        this.view = view;
        this.ownerOf = ownerOf;
    }

    /** Whether the board has been built since the start (the first {@link #rebuild}). */
    boolean isBuilt() {
        return built;
    }

    /** Reads every rostered worker again: at the start, and when the roster changed. */
    public synchronized void rebuild() {
        List<RosterEntry> workers = roster.get();
        AtomicReferenceArray<WorkerRow> fresh = new AtomicReferenceArray<>(workers.size());
        Map<String, Integer> positions = new HashMap<>(workers.size() * 2);
        counts.clear();
        offered.clear();
        for (int i = 0; i < workers.size(); i++) {
            RosterEntry worker = workers.get(i);
            WorkerRow row = WorkerRow.of(worker, facts.apply(worker.sipUri()), view.apply(worker.sipUri()));
            fresh.set(i, row);
            positions.put(worker.sipUri(), i);
            counted(null, row);
        }
        rows = new Rows(fresh, positions);
        built = true;
    }

    /** Reads these workers again; the rows that changed (a worker no longer rostered is left out). */
    synchronized List<Change> refresh(Collection<String> sipUris) {
        Rows current = rows;
        List<Change> changes = new ArrayList<>();
        List<RosterEntry> workers = roster.get();
        for (String sipUri : sipUris) {
            Integer position = current.positions().get(sipUri);
            if (position == null
                    || position >= workers.size()
                    || !workers.get(position).sipUri().equals(sipUri)) {
                continue;
            }
            Map<String, Object> shown = view.apply(sipUri);
            WorkerRow after = WorkerRow.of(workers.get(position), facts.apply(sipUri), shown);
            WorkerRow before = current.rows().getAndSet(position, after);
            if (!after.equals(before)) {
                counted(before, after);
                changes.add(new Change(sipUri, before, after, shown));
            }
        }
        return changes;
    }

    /** The workers whose offered preview is past its time: read again, they show it withdrawn. */
    synchronized List<String> offersExpiredBy(Instant now) {
        Rows current = rows;
        return offered.stream()
                .filter(sipUri -> {
                    WorkerRow row = current.rows().get(current.positions().get(sipUri));
                    return row.offerExpires() != null && !now.isBefore(row.offerExpires());
                })
                .toList();
    }

    /** The page of workers the query asks for, and how many match in all: one pass over the rows. */
    Page page(WorkerQuery query) {
        AtomicReferenceArray<WorkerRow> all = rows.rows();
        List<WorkerRow> page = new ArrayList<>(Math.min(query.limit(), all.length()));
        int total = 0;
        for (int i = 0; i < all.length(); i++) {
            WorkerRow row = all.get(i);
            if (matches(query, row)) {
                if (total >= query.offset() && page.size() < query.limit()) {
                    page.add(row);
                }
                total++;
            }
        }
        return new Page(total, page);
    }

    /** Whether the query's filters let the worker's row through, with the partitions' owners as they are now. */
    boolean matches(WorkerQuery query, WorkerRow row) {
        return query.matches(row, ownerOf);
    }

    /** The row of a rostered worker, or null. */
    WorkerRow row(String sipUri) {
        Rows current = rows;
        Integer position = current.positions().get(sipUri);
        return position == null ? null : current.rows().get(position);
    }

    synchronized Tally tally() {
        return counts.tally();
    }

    /** Workers whose agent state differs from the one ucsync computes, for the drift gauge. */
    public synchronized int drift() {
        return counts.drift;
    }

    /** Workers in an agent-state group ({@code Ready}, {@code NotReady}, {@code LoggedOut}, {@code unknown}), for the gauges. */
    public synchronized int agents(String group) {
        return counts.agentStates.getOrDefault(group, 0);
    }

    /** The agent-state groups, in the order the overview shows them. */
    public static List<String> agentStateGroups() {
        return WorkerQuery.STATES;
    }

    private void counted(WorkerRow before, WorkerRow after) {
        if (before != null) {
            counts.add(before, -1);
            offered.remove(before.sipUri());
        }
        counts.add(after, 1);
        if (after.offerExpires() != null) {
            offered.add(after.sipUri());
        }
    }

    /** The overview's counts, changed by one row at a time. */
    private static final class Counts {
        int workers;
        int drift;
        final Map<String, Integer> agentStates = new HashMap<>();
        final Map<String, Integer> notReadyReasons = new HashMap<>();
        final Map<String, Integer> presences = new HashMap<>();
        final Map<String, Integer> flags = new HashMap<>();
        final Map<String, Integer> tservers = new HashMap<>();
        final Map<String, Integer> pools = new HashMap<>();
        final Map<Integer, Integer> partitions = new HashMap<>();

        void add(WorkerRow row, int sign) {
            workers += sign;
            drift += row.drift() ? sign : 0;
            agentStates.merge(row.agentState(), sign, Integer::sum);
            if (row.reason() != null) {
                notReadyReasons.merge(row.reason(), sign, Integer::sum);
            }
            presences.merge(row.presence(), sign, Integer::sum);
            for (WorkerRow.Flag flag : WorkerRow.Flag.values()) {
                if (row.has(flag)) {
                    flags.merge(flag.apiName, sign, Integer::sum);
                }
            }
            tservers.merge(row.tserver(), sign, Integer::sum);
            pools.merge(row.pool(), sign, Integer::sum);
            partitions.merge(row.partition(), sign, Integer::sum);
        }

        void clear() {
            workers = 0;
            drift = 0;
            List.of(agentStates, notReadyReasons, presences, flags, tservers, pools)
                    .forEach(Map::clear);
            partitions.clear();
        }

        Tally tally() {
            Map<String, Integer> flagCounts = new LinkedHashMap<>();
            for (WorkerRow.Flag flag : WorkerRow.Flag.values()) {
                flagCounts.put(flag.apiName, flags.getOrDefault(flag.apiName, 0));
            }
            return new Tally(
                    workers,
                    inOrder(WorkerQuery.STATES, agentStates),
                    nonZero(notReadyReasons),
                    inOrder(WorkerQuery.PRESENCES, presences),
                    drift,
                    flagCounts,
                    nonZero(tservers),
                    nonZero(pools),
                    nonZero(partitions));
        }

        /** Every key of the list, in its order, zero where none is counted. */
        private static Map<String, Integer> inOrder(List<String> keys, Map<String, Integer> counted) {
            Map<String, Integer> ordered = new LinkedHashMap<>();
            keys.forEach(key -> ordered.put(key, counted.getOrDefault(key, 0)));
            return ordered;
        }

        private static <K> Map<K, Integer> nonZero(Map<K, Integer> counted) {
            Map<K, Integer> sorted = new TreeMap<>();
            counted.forEach((key, count) -> {
                if (count != 0) {
                    sorted.put(key, count);
                }
            });
            return sorted;
        }
    }
}

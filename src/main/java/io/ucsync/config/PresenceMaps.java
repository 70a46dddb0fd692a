package io.ucsync.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The presence maps in force, by file: the default map ({@code ucsync.presence-map}) for the workers whose roster
 * line names none, and each team map a roster line names in its {@code map} column. Each file is read and checked
 * on its own: one that is refused leaves the last good version of that map in force, and the other maps as they are.
 * <p>
 * A map stays loaded once read, also after a roster stops naming it: a decision already under way with the
 * previous roster still finds its worker's map. Read from any thread; loaded and reloaded from one at a time.
 */
public final class PresenceMaps {

    private final Path defaultFile;
    private final Map<Path, PresenceMap> byFile = new ConcurrentHashMap<>();

    private PresenceMaps(Path defaultFile) {
        this.defaultFile = defaultFile.toAbsolutePath().normalize();
    }

    /**
     * Reads the default map and every map the roster names.
     *
     * @throws ConfigException with every problem of every file
     */
    public static PresenceMaps load(Path defaultFile, Roster roster) throws ConfigException {
        PresenceMaps maps = new PresenceMaps(defaultFile);
        maps.byFile.putAll(read(Set.of(maps.defaultFile)));
        maps.loadNamedBy(roster);
        return maps;
    }

    /**
     * Reads the maps a roster names that are not loaded yet, before that roster is used; either all of them are
     * read, or none is and the roster must be refused.
     *
     * @throws ConfigException with every problem of every map not loaded yet
     */
    public void loadNamedBy(Roster roster) throws ConfigException {
        Set<Path> missing = new LinkedHashSet<>();
        roster.entries().stream()
                .map(this::fileOf)
                .filter(file -> !byFile.containsKey(file))
                .forEach(missing::add);
        byFile.putAll(read(missing));
    }

    private static Map<Path, PresenceMap> read(Set<Path> files) throws ConfigException {
        Map<Path, PresenceMap> read = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                read.put(file, PresenceMap.load(file));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return read;
    }

    /**
     * Reads a map file again after it changed; the new version is in force for its workers at once.
     *
     * @throws ConfigException when it is refused: the last good version stays in force
     */
    public void reload(Path file) throws ConfigException {
        Path key = file.toAbsolutePath().normalize();
        if (!byFile.containsKey(key)) {
            throw new IllegalArgumentException(file + " is not a loaded presence map");
        }
        byFile.put(key, PresenceMap.load(key));
    }

    /** Whether the file is one of the maps loaded (the file watcher's question). */
    public boolean isMapFile(Path file) {
        return byFile.containsKey(file.toAbsolutePath().normalize());
    }

    /** The map files loaded, the default one first. */
    public Set<Path> files() {
        Set<Path> files = new LinkedHashSet<>(List.of(defaultFile));
        files.addAll(byFile.keySet());
        return files;
    }

    /** The file of the map that decides for the worker: the one their roster line names, or the default map. */
    public Path fileOf(RosterEntry worker) {
        return worker.map() == null ? defaultFile : worker.map();
    }

    /** The map that decides for the worker. */
    public PresenceMap forWorker(RosterEntry worker) {
        return byFile.get(fileOf(worker));
    }

    /** The default map, for workers whose roster line names none. */
    public PresenceMap defaultMap() {
        return byFile.get(defaultFile);
    }
}

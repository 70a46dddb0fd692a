package io.ucsync.routes;

import io.ucsync.engine.Command;
import io.ucsync.engine.SyncEngine;
import io.ucsync.engine.TServerRequest;
import io.ucsync.engine.UcPublication;
import io.ucsync.presence.Presence;
import io.ucsync.timers.FiredTimer;
import io.ucsync.tlib.protocol.TlibMessage;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@code engine} bean of the route tests: it answers to the methods of {@link SyncEngine} that the core routes
 * call, by the same names and signatures (RecordingEngineTest holds it to them), records every call, and answers
 * with the commands a test gave it, or none. What the engine decides is not the routes' business.
 */
public final class RecordingEngine {

    /** One call: the method's name and its arguments. */
    public record Call(String method, List<Object> arguments) {

        public static Call of(String method, Object... arguments) {
            return new Call(method, Arrays.asList(arguments));
        }
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Set<String> rostered = ConcurrentHashMap.newKeySet();
    private final Map<String, Deque<List<Command>>> answers = new ConcurrentHashMap<>();

    /** Puts a worker on the roster. */
    public void roster(String sipUri) {
        rostered.add(sipUri);
    }

    /** The next call of {@code method} answers these commands; later calls answer none. */
    public void answer(String method, Command... commands) {
        answers.computeIfAbsent(method, m -> new ArrayDeque<>()).add(List.of(commands));
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public boolean isRostered(String sipUri) {
        calls.add(Call.of("isRostered", sipUri));
        return rostered.contains(sipUri);
    }

    public List<Command> onPresence(Presence presence) {
        return answer("onPresence", presence);
    }

    public List<Command> onTServerEvent(TlibMessage event, boolean fromResync, boolean onNewServer) {
        return answer("onTServerEvent", event, fromResync, onNewServer);
    }

    public List<Command> onSwitchLinkUp(String tserver) {
        return answer("onSwitchLinkUp", tserver);
    }

    public List<Command> onResponse(TServerRequest request, TlibMessage response) {
        return answer("onResponse", request, response);
    }

    public List<Command> onRequestFailed(TServerRequest request, Exception error) {
        return answer("onRequestFailed", request, error);
    }

    public List<Command> onPublicationFailed(UcPublication command, Exception error) {
        return answer("onPublicationFailed", command, error);
    }

    public List<Command> onTimer(FiredTimer timer) {
        return answer("onTimer", timer);
    }

    private List<Command> answer(String method, Object... arguments) {
        calls.add(Call.of(method, arguments));
        Deque<List<Command>> queued = answers.get(method);
        List<Command> next = queued == null ? null : queued.poll();
        return next == null ? List.of() : next;
    }
}

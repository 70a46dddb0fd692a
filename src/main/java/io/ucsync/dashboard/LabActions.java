package io.ucsync.dashboard;

import io.ucsync.http.RequestRefused;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The dashboard's lab actions, as the emulators' control commands: a worker's own presence on the front end, a call
 * to a DN and its answer or end on the T-Server. Every parameter is checked before it becomes a command line (a
 * newline in one would be a second command). Without emulators (real servers) there are no lab actions: 404.
 */
public final class LabActions {

    /** A control command line and the emulator control port (host:port) it goes to. */
    public record LabCommand(String address, String line) {}

    private final String frontEndControl;
    private final String tserverControl;
    private final Predicate<String> rostered;

    /**
     * @param frontEndControl host:port of the front-end emulator's control port, blank for none
     * @param tserverControl  host:port of the T-Server emulator's control port, blank for none
     * @param rostered        whether a SIP URI is a rostered worker's
     */
    public LabActions(String frontEndControl, String tserverControl, Predicate<String> rostered) {
        this.frontEndControl = frontEndControl;
        this.tserverControl = tserverControl;
        this.rostered = rostered;
    }

    /** What the dashboard's page asks at sign-in: {@code {labActions: true|false}}, whether it knows emulators to act on. */
    public Map<String, Object> status() {
        return Map.of("labActions", !tserverControl.isBlank());
    }

    /** The worker's own presence on the front end: {@code presence SIP_URI AVAILABILITY}. */
    public LabCommand presence(String worker, String availability) {
        if (worker == null || !rostered.test(worker) || availability == null || !availability.matches("\\d{1,5}")) {
            throw RequestRefused.badRequest("worker (a rostered SIP URI) and availability (a number) are required");
        }
        return new LabCommand(address(frontEndControl), "presence " + worker + " " + availability);
    }

    /** A call from outside to the DN ({@code dn}), or the answer or end ({@code step}) of the call {@code connId}. */
    public LabCommand call(String dn, String connId, String step) {
        if (dn != null && dn.matches("[0-9A-Za-z_.+-]{1,32}")) {
            return new LabCommand(address(tserverControl), "call +15550100 " + dn);
        }
        if (connId != null
                && connId.matches("[0-9A-Fa-f]{1,32}")
                && ("answer".equals(step) || "release".equals(step))) {
            return new LabCommand(address(tserverControl), step + " " + connId);
        }
        throw RequestRefused.badRequest("dn, or connId with step answer or release, is required");
    }

    /** Refuses a lab action where the dashboard knows no emulator. */
    public void requireLab() {
        address(tserverControl);
    }

    private static String address(String control) {
        if (control.isBlank()) {
            throw RequestRefused.notFound("no lab: this is done on the real UC platform or switch");
        }
        return control;
    }
}

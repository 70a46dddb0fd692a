package io.ucsync.app;

import io.ucsync.config.Roster;
import io.ucsync.config.RosterEntry;
import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.lab.frontend.FrontEndEmulatorConfig;
import io.ucsync.lab.tserver.TServerEmulator;
import io.ucsync.lab.tserver.TServerEmulatorConfig;
import io.ucsync.presence.PresenceSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default run's peers, in the same JVM but over real sockets on loopback: a T-Server emulator with every
 * rostered DN, and a UC front-end emulator (MS-PRES over UDP) where every rostered worker starts Online. ucsync
 * talks to them exactly as to real servers, through the addresses in application.properties.
 */
public final class EmbeddedLab implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedLab.class);

    private static final int ONLINE = 3500;

    private final TServerEmulator tserver;
    private final FrontEndEmulator frontEnd;

    private EmbeddedLab(TServerEmulator tserver, FrontEndEmulator frontEnd) {
        this.tserver = tserver;
        this.frontEnd = frontEnd;
    }

    static EmbeddedLab start(UcsyncSettings settings, Roster roster) {
        List<String> dns = roster.entries().stream().map(RosterEntry::dn).toList();
        TServerEmulator tserver = TServerEmulator.start(TServerEmulatorConfig.builder()
                .port(settings.intValue(UcsyncSettings.LAB_TSERVER_PORT))
                .controlPort(settings.intValue(UcsyncSettings.LAB_TSERVER_CONTROL_PORT))
                .dns(dns)
                .build());
        FrontEndEmulator frontEnd;
        try {
            frontEnd = FrontEndEmulator.start(new FrontEndEmulatorConfig(
                    settings.intValue(UcsyncSettings.LAB_FRONTEND_PORT),
                    "udp",
                    settings.intValue(UcsyncSettings.LAB_FRONTEND_CONTROL_PORT),
                    null));
        } catch (RuntimeException e) {
            tserver.close();
            throw e;
        }
        roster.entries().forEach(worker -> frontEnd.presence(worker.sipUri(), ONLINE, null, PresenceSource.USER));
        LOG.info(
                "embedded lab: T-Server emulator on 127.0.0.1:{} (control {}) with {} DNs, UC front-end emulator on"
                        + " 127.0.0.1:{}/udp (control {})",
                tserver.port(),
                tserver.controlPort(),
                dns.size(),
                frontEnd.port(),
                frontEnd.controlPort());
        return new EmbeddedLab(tserver, frontEnd);
    }

    public FrontEndEmulator frontEnd() {
        return frontEnd;
    }

    public TServerEmulator tserver() {
        return tserver;
    }

    @Override
    public void close() {
        frontEnd.close();
        tserver.close();
    }
}

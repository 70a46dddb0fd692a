package io.ucsync.app;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ucsync.emulator.tserver.TServerEmulator;
import io.ucsync.emulator.tserver.TServerEmulatorConfig;
import io.ucsync.worker.Roster;
import io.ucsync.worker.RosterEntry;

/**
 * The default run's peers, in the same JVM but over real sockets on loopback: a T-Server emulator with every
 * rostered DN. ucsync talks to it exactly as to a real server, through the addresses in application.properties.
 */
public final class EmbeddedLab implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedLab.class);

    private final TServerEmulator tserver;

    private EmbeddedLab(TServerEmulator tserver) {
        this.tserver = tserver;
    }

    static EmbeddedLab start(UcsyncSettings settings, Roster roster) {
        List<String> dns = roster.entries().stream().map(RosterEntry::dn).toList();
        TServerEmulator tserver = TServerEmulator.start(TServerEmulatorConfig.builder()
                .port(settings.intValue(UcsyncSettings.LAB_TSERVER_PORT)).dns(dns).build());
        LOG.info("embedded lab: T-Server emulator on 127.0.0.1:{} with {} DNs", tserver.port(), dns.size());
        return new EmbeddedLab(tserver);
    }

    public TServerEmulator tserver() {
        return tserver;
    }

    @Override
    public void close() {
        tserver.close();
    }
}

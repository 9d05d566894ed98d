package io.dualrepo.flags;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.record.MigrationRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/** A generated decorator over two recording models, routed by the given source, with captured logs and meters. */
final class Accounts implements AutoCloseable {

    final ConcurrentLinkedQueue<SideRecordingAccounts.Served> served = new ConcurrentLinkedQueue<>();
    final SideRecordingAccounts oldModel = new SideRecordingAccounts(Side.OLD, served);
    final SideRecordingAccounts newModel = new SideRecordingAccounts(Side.NEW, served);
    final SimpleMeterRegistry registry;
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final DualRepo dualRepo;
    final AccountRepository accounts;

    Accounts(UnleashRouteSource source, SimpleMeterRegistry registry) {
        this(source, registry, null);
    }

    /** With the record's transition rules on when {@code record} is not null. */
    Accounts(UnleashRouteSource source, SimpleMeterRegistry registry, MigrationRecord record) {
        boolean enforceTransitions = record != null;
        this.registry = registry;
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).addAppender(logs);
        dualRepo = DualRepo.builder()
                .routeSource(source)
                .meterRegistry(registry)
                .comparisonMode(ComparisonMode.SYNC)
                // How flags map to routes, in whatever order a test turns them; FlagTransitionsTest has the rules.
                .enforceTransitions(enforceTransitions)
                .migrationRecord(record == null ? MigrationRecord.inMemory() : record)
                .build();
        accounts = new DualAccountRepository(oldModel, newModel, dualRepo);
    }

    /** Which side answered a read for this tenant. */
    Side readSide(String tenant) {
        served.clear();
        accounts.findByTenant(tenant);
        return served.peek().side();
    }

    /** The sides a write for this tenant reached, in order. */
    List<Side> writeSides(String tenant) {
        served.clear();
        accounts.save(tenant, "v");
        return served.stream().map(SideRecordingAccounts.Served::side).toList();
    }

    double counter(String name) {
        Counter counter = registry.find(name).tag("repository", "accounts").counter();
        return counter == null ? 0 : counter.count();
    }

    /** The SDKs log from their own threads while a test reads: ListAppender appends under its own lock. */
    List<String> logLines(String level) {
        List<ILoggingEvent> events;
        synchronized (logs) {
            events = List.copyOf(logs.list);
        }
        return events.stream()
                .filter(e -> e.getLevel().toString().equals(level))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Override
    public void close() {
        dualRepo.close();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).detachAppender(logs);
    }
}

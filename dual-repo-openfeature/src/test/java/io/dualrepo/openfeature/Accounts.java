package io.dualrepo.openfeature;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.RouteSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;

/** The generated accounts decorator over two recording models, routed by the given source; logs and meters captured. */
final class Accounts implements AutoCloseable {

    final ConcurrentLinkedQueue<Side> served = new ConcurrentLinkedQueue<>();
    final RecordingAccounts oldModel = new RecordingAccounts(Side.OLD, served);
    final RecordingAccounts newModel = new RecordingAccounts(Side.NEW, served);
    final SimpleMeterRegistry registry;
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final DualRepo dualRepo;
    final AccountRepository accounts;

    /** Without the record's transition rules: tests set flags in whatever order they need. */
    Accounts(RouteSource source, SimpleMeterRegistry registry) {
        this(source, registry, null);
    }

    /** With the record's transition rules on when {@code record} is not null. */
    Accounts(RouteSource source, SimpleMeterRegistry registry, MigrationRecord record) {
        this.registry = registry;
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).addAppender(logs);
        dualRepo = DualRepo.builder()
                .routeSource(source)
                .meterRegistry(registry)
                .comparisonMode(ComparisonMode.SYNC)
                .enforceTransitions(record != null)
                .migrationRecord(record == null ? MigrationRecord.inMemory() : record)
                .build();
        accounts = new DualAccountRepository(oldModel, newModel, dualRepo);
    }

    /** Every side a read for this tenant reached: the answering one first, then a compared one. */
    List<Side> readSides(String tenant) {
        served.clear();
        accounts.findByTenant(tenant);
        return List.copyOf(served);
    }

    Side readSide(String tenant) {
        return readSides(tenant).get(0);
    }

    /** The sides a write for this tenant reached, in order. */
    List<Side> writeSides(String tenant) {
        served.clear();
        accounts.save(tenant, "v");
        return List.copyOf(served);
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

    /** Provider events arrive on the SDK's own threads: waits for what they cause, failing after a while. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    @Override
    public void close() {
        dualRepo.close();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).detachAppender(logs);
    }
}

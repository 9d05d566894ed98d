package io.dualrepo.console.internal;

import io.dualrepo.DualRepo;
import io.dualrepo.console.ConsoleAction;
import io.dualrepo.routing.InMemoryRouteSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * What the console's builder gathered. Nullable: {@code stageControl} (routes are then changed elsewhere), the
 * suppliers, {@code appState} and {@code pageScript}.
 */
public record ConsoleConfig(
        DualRepo dualRepo,
        List<String> repositories,
        InMemoryRouteSource stageControl,
        String routeOrigin,
        Guard guard,
        String prefix,
        int maxRequestBytes,
        Duration requestTimeout,
        Function<String, Object> comparisons,
        Function<String, Optional<Instant>> pendingSync,
        ToLongFunction<String> quarantinedRows,
        Map<String, ConsoleAction> actions,
        Supplier<?> appState,
        String pageScript,
        String title,
        Clock clock) {}

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
import org.jspecify.annotations.Nullable;

/**
 * What the console's builder gathered. Nullable: {@code stageControl} (routes are then changed elsewhere), the
 * suppliers, {@code appState} and {@code pageScript}.
 */
public record ConsoleConfig(
        DualRepo dualRepo,
        List<String> repositories,
        @Nullable InMemoryRouteSource stageControl,
        String routeOrigin,
        Guard guard,
        String prefix,
        int maxRequestBytes,
        Duration requestTimeout,
        @Nullable Function<String, Object> comparisons,
        @Nullable Function<String, Optional<Instant>> pendingSync,
        @Nullable ToLongFunction<String> quarantinedRows,
        Map<String, ConsoleAction> actions,
        @Nullable Supplier<?> appState,
        @Nullable String pageScript,
        String title,
        Clock clock) {}

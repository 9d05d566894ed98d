package io.dualrepo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No module's main code refers to another module's {@code internal} package: what a module shares is public on
 * purpose ({@code io.dualrepo.generated} for decorators, {@code io.dualrepo.spi} for the other modules), so that
 * {@code internal} keeps its one meaning, "may change in any release". Reads the source tree, every module the root
 * pom lists; an {@code internal} package belongs to the module that declares it.
 *
 * <p>{@code benchmarks} is left out on purpose: it measures internals (the route guard a decorator calls) and is
 * never published.
 */
class ModuleBoundariesTest {

    private static final Set<String> MAY_USE_ANY_INTERNAL = Set.of("benchmarks");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern INTERNAL_REFERENCE =
            Pattern.compile("\\bio\\.dualrepo(?:\\.[a-z0-9_]+)*?\\.internal\\b");

    @Test
    void noModuleUsesAnotherModulesInternals() throws IOException {
        Path root = repositoryRoot();
        List<String> modules = modules(root);
        assertThat(modules).as("modules listed in %s", root.resolve("pom.xml"))
                .contains("dual-repo-core", "dual-repo-processor", "dual-repo-hibernate", "dual-repo-flags",
                        "dual-repo-openfeature", "dual-repo-console");
        List<Path> checked = new ArrayList<>();
        for (String module : modules) {
            if (!MAY_USE_ANY_INTERNAL.contains(module)) {
                checked.add(root.resolve(module));
            }
        }
        assertThat(violations(checked)).as("references from a module's main code to another module's internal"
                + " package: make what it needs public on purpose (io.dualrepo.spi), or move it").isEmpty();
    }

    @Test
    void aReferenceToAnotherModulesInternalIsFound(@TempDir Path dir) throws IOException {
        write(dir.resolve("core/src/main/java/io/dualrepo/internal/Secret.java"),
                "package io.dualrepo.internal;\npublic class Secret {}\n");
        write(dir.resolve("core/src/main/java/io/dualrepo/Api.java"),
                "package io.dualrepo;\nimport io.dualrepo.internal.Secret;\npublic class Api {}\n");
        write(dir.resolve("other/src/main/java/io/dualrepo/other/internal/Own.java"),
                "package io.dualrepo.other.internal;\npublic class Own {}\n");
        write(dir.resolve("other/src/main/java/io/dualrepo/other/Uses.java"),
                "package io.dualrepo.other;\nimport io.dualrepo.other.internal.Own;\n"
                        + "class Uses { Object s = io.dualrepo.internal.Secret.class; }\n");

        assertThat(violations(List.of(dir.resolve("core"), dir.resolve("other"))))
                .containsExactly("other: io/dualrepo/other/Uses.java:3 refers to io.dualrepo.internal");
    }

    /** "module: path:line refers to package" for each reference to an internal package the module does not own. */
    private static List<String> violations(List<Path> modules) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path module : modules) {
            Path sources = module.resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            Set<String> own = ownPackages(sources);
            for (Path file : javaFiles(sources)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher reference = INTERNAL_REFERENCE.matcher(lines.get(i));
                    while (reference.find()) {
                        String internal = reference.group();
                        if (own.stream().noneMatch(p -> p.equals(internal) || p.startsWith(internal + "."))) {
                            found.add(module.getFileName() + ": "
                                    + sources.relativize(file).toString().replace('\\', '/') + ":" + (i + 1)
                                    + " refers to " + internal);
                        }
                    }
                }
            }
        }
        return found;
    }

    private static Set<String> ownPackages(Path sources) throws IOException {
        Set<String> packages = new TreeSet<>();
        for (Path file : javaFiles(sources)) {
            Path dir = sources.relativize(file).getParent();
            if (dir != null) {
                packages.add(dir.toString().replace('\\', '/').replace('/', '.'));
            }
        }
        return packages;
    }

    private static List<Path> javaFiles(Path sources) throws IOException {
        try (Stream<Path> files = Files.walk(sources)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static List<String> modules(Path root) throws IOException {
        List<String> modules = new ArrayList<>();
        Matcher module = MODULE.matcher(Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8));
        while (module.find()) {
            if (Files.isDirectory(root.resolve(module.group(1)))) {
                modules.add(module.group(1));
            }
        }
        return modules;
    }

    /** Tests run in the module's directory under Maven, at the root in some IDEs: find the root from either. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("dual-repo-core")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

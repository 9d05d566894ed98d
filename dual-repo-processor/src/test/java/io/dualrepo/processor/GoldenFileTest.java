package io.dualrepo.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.dualrepo.processor.Compilations.compile;
import static io.dualrepo.processor.Compilations.generated;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The decorator generated for the documentation's example, {@code src/test/resources/golden/IncidentRepository.java},
 * is byte for byte {@code docs/generated/DualIncidentRepository.java}: any change to the generated code shows up
 * in review as a change to that file.
 */
class GoldenFileTest {

    private static final String UPDATE_PROPERTY = "golden.update";
    private static final Path GOLDEN = Path.of("docs", "generated", "DualIncidentRepository.java");

    @Test
    void generatesTheDocumentedDecorator() throws IOException {
        Compilation compilation = compile(
                JavaFileObjects.forResource("golden/Incident.java"),
                JavaFileObjects.forResource("golden/IncidentRepository.java"));
        assertThat(compilation).succeededWithoutWarnings();
        String actual = generated(compilation, "com.example.incidents.DualIncidentRepository");

        Path golden = repositoryRoot().resolve(GOLDEN);
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(golden)
                .as("%s is missing; create it with: mvn -pl dual-repo-processor test -Dtest=GoldenFileTest -D%s=true",
                        golden, UPDATE_PROPERTY)
                .exists();
        assertThat(actual)
                .as("the generated decorator differs from %s. If the change is intended, regenerate the file with"
                        + " `mvn -pl dual-repo-processor test -Dtest=GoldenFileTest -D%s=true` and review the diff",
                        golden, UPDATE_PROPERTY)
                .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    /** Tests run in the module's directory under Maven, at the root in some IDEs: find the root from either. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("dual-repo-processor")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
}

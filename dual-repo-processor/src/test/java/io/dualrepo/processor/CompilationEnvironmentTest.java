package io.dualrepo.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.dualrepo.processor.Compilations.generated;
import static io.dualrepo.processor.Compilations.source;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor in a real build: other processors, incremental builds, failures around it. Whatever happens it
 * reports on the interface, never crashes javac.
 */
class CompilationEnvironmentTest {

    private static final JavaFileObject NAMES = source("test.NameRepository",
            "package test;",
            "import io.dualrepo.DualModel;",
            "@DualModel(\"names\")",
            "public interface NameRepository {",
            "    String findName(String id);",
            "}");

    @Test
    void isFoundByJavacsServiceLookup() {
        assertThat(ServiceLoader.load(Processor.class, getClass().getClassLoader()).stream()
                        .map(ServiceLoader.Provider::type))
                .contains(DualModelProcessor.class);
    }

    @Test
    void reportsAFileThatCannotBeWritten() {
        Compilation compilation = Compilations.compile(name -> {
            throw new IOException("disk full");
        }, NAMES);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("cannot write test.DualNameRepository, the decorator of `test.NameRepository`:"
                        + " java.io.IOException: disk full")
                .inFile(NAMES)
                .onLine(4);
    }

    @Test
    void reportsAnUnexpectedExceptionOnTheInterfaceInsteadOfCrashingJavac() {
        Compilation compilation = Compilations.compile(name -> {
            throw new IllegalStateException("unexpected");
        }, NAMES);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("dual-repo could not process `test.NameRepository`"
                        + " (java.lang.IllegalStateException: unexpected); this is a bug in dual-repo-processor,"
                        + " please report it with this stack trace:")
                .inFile(NAMES)
                .onLine(4);
        assertThat(compilation).hadErrorContaining("at io.dualrepo.processor.DualModelProcessor.process");
    }

    @Test
    void waitsForATypeThatAnotherProcessorGeneratesInALaterRound() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import java.util.Optional;",
                "import test.model.Incident;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    Optional<Incident> findById(String id);",
                "}");

        Compilation compilation = Compiler.javac()
                .withProcessors(new DualModelProcessor(), new IncidentGenerator())
                .compile(repository);

        assertThat(compilation).succeededWithoutWarnings();
        assertThat(generated(compilation, "test.DualIncidentRepository")).contains(
                "import test.model.Incident;\n",
                "    public Optional<Incident> findById(String id) {\n");
    }

    @Test
    void reportsAnInterfaceWhoseTypesAreStillUnresolvedWhenProcessingEnds() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "import java.util.List;",
                "import java.util.Optional;",
                "import test.model.Incident;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository {",
                "    Optional<Incident> findById(String id);",
                "    void saveAll(List<Incident> incidents);",
                "}");
        List<String> generated = new ArrayList<>();

        Compilation compilation = Compilations.compile(generated::add, repository);

        // javac reports each use of the missing type too: only this processor's own error is counted.
        assertThat(compilation.errors())
                .filteredOn(error -> error.getMessage(Locale.ROOT).contains("[DR042]"))
                .hasSize(1);
        assertThat(compilation)
                .hadErrorContaining("[DR042] no decorator was generated for `test.IncidentRepository`, since it uses"
                        + " types that could not be resolved by the end of annotation processing: `Incident`, which"
                        + " `findById(String)` returns; `Incident`, the type of parameter `incidents` of"
                        + " `saveAll(List<Incident>)`; declare or import each of them, or, if another annotation"
                        + " processor generates one, make sure that processor runs in this compilation and succeeds")
                .inFile(repository)
                .onLine(7)
                .atColumn(8);
        assertThat(generated).isEmpty();
    }

    @Test
    void namesAnUnresolvedSuperInterfaceAndThrownType() {
        JavaFileObject repository = source("test.IncidentRepository",
                "package test;",
                "import io.dualrepo.DualModel;",
                "@DualModel(\"incidents\")",
                "public interface IncidentRepository extends Base {",
                "    void deleteById(String id) throws Gone;",
                "}");
        List<String> generated = new ArrayList<>();

        Compilation compilation = Compilations.compile(generated::add, repository);

        assertThat(compilation)
                .hadErrorContaining("[DR042] no decorator was generated for `test.IncidentRepository`, since it uses"
                        + " types that could not be resolved by the end of annotation processing: `Base`, which"
                        + " `IncidentRepository` extends; `Gone`, which `deleteById(String)` throws; declare or import")
                .inFile(repository)
                .onLine(4);
        assertThat(generated).isEmpty();
    }

    @Test
    void takesItsOwnDecoratorFromAnEarlierBuildOnTheClassPathForWhatItIs(@TempDir Path classes) throws IOException {
        Compilation earlier = Compilations.compile(NAMES);
        assertThat(earlier).succeeded();
        for (JavaFileObject file : earlier.generatedFiles()) {
            if (file.getKind() == JavaFileObject.Kind.CLASS) {
                String path = file.toUri().getPath();
                String relative = path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length());
                Path target = classes.resolve(relative);
                Files.createDirectories(target.getParent());
                try (InputStream in = file.openInputStream()) {
                    Files.copy(in, target);
                }
            }
        }
        assertThat(classes.resolve("test/DualNameRepository.class")).exists();
        List<File> classPath = new ArrayList<>();
        classPath.add(classes.toFile());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(new File(entry));
        }

        Compilation rebuild = Compiler.javac()
                .withProcessors(new DualModelProcessor())
                .withClasspath(classPath)
                .compile(NAMES);

        assertThat(rebuild).succeededWithoutWarnings();
        assertThat(generated(rebuild, "test.DualNameRepository"))
                .contains("public final class DualNameRepository implements NameRepository {");
    }

    /** Generates {@code test.model.Incident} in the first round, as a code generator run before this one would. */
    private static final class IncidentGenerator extends AbstractProcessor {

        private boolean generated;

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return Set.of("*");
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            if (generated) {
                return false;
            }
            generated = true;
            try (Writer writer = processingEnv.getFiler().createSourceFile("test.model.Incident").openWriter()) {
                writer.write("package test.model;\npublic record Incident(String id) {}\n");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return false;
        }
    }
}

package io.dualrepo.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.annotation.processing.Processor;
import javax.tools.JavaFileObject;

/** Compiles test sources with the processor, lint on, so that generated code must compile without warnings. */
final class Compilations {

    private Compilations() {}

    static Compilation compile(JavaFileObject... sources) {
        return compile(new DualModelProcessor(), sources);
    }

    /**
     * Compiles, telling {@code generated} the name of every source file the processor creates: compile-testing
     * shows generated files only when the compilation succeeded, and a failed one must be seen to generate nothing.
     */
    static Compilation compile(RecordingProcessor.Listener generated, JavaFileObject... sources) {
        return compile(new RecordingProcessor(new DualModelProcessor(), generated), sources);
    }

    private static Compilation compile(Processor processor, JavaFileObject... sources) {
        return Compiler.javac()
                .withProcessors(processor)
                .withOptions("-Xlint:all,-processing")
                .compile(sources);
    }

    /** A source file whose line numbers are those of the arguments: the first line is line 1. */
    static JavaFileObject source(String qualifiedName, String... lines) {
        return JavaFileObjects.forSourceLines(qualifiedName, lines);
    }

    /** A generated source file's exact text. */
    static String generated(Compilation compilation, String qualifiedName) {
        JavaFileObject file = compilation.generatedSourceFile(qualifiedName)
                .orElseThrow(() -> new AssertionError(qualifiedName + " was not generated; generated: "
                        + compilation.generatedSourceFiles()));
        try {
            return file.getCharContent(false).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

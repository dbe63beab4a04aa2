package io.tlsscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tlsscope.elf.ElfException;
import io.tlsscope.inspect.TlsLibraryInspector;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tlsscope inspect <file>}: what the tracer would see in an ELF file, as JSON. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print, as JSON, what tlsscope finds in an ELF file: kind, OpenSSL version, layout and SSL_* offsets, "
                + "or for a Go executable its version, ABI, crypto/tls functions and their RET offsets, and how each was found.")
public class InspectCommand implements Callable<Integer> {
    static final int EXIT_BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<file>", description = "library or executable to inspect")
    Path file;

    @Override
    public Integer call() throws Exception {
        try {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            spec.commandLine().getOut().println(json.writeValueAsString(TlsLibraryInspector.inspect(file)));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (ElfException e) {
            spec.commandLine().getErr().println("tlsscope inspect: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return EXIT_BAD_INPUT;
        }
    }
}

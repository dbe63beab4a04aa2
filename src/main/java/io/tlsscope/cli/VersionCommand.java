package io.tlsscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.buildinfo.BuildInfo;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tlsscope version}: what this installation is, to compare hosts and releases. Loads no BPF. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Prints the version, the git commit, the build date and the SHA-256 of the BPF object.")
public class VersionCommand implements Runnable {
    @Option(names = "--json", description = "one JSON object instead of lines")
    boolean json;

    @Override
    public void run() {
        BuildInfo build = BuildInfo.current();
        if (json) {
            try {
                System.out.println(new ObjectMapper().writeValueAsString(build));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        System.out.println("tlsscope " + build.version());
        System.out.println("commit:     " + build.commit() + (build.commitDirty() ? " (with uncommitted changes)" : ""));
        System.out.println("built:      " + build.buildDate());
        System.out.println("bpf object: sha256:" + build.bpfObjectSha256());
    }
}

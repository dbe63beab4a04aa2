package io.tlsscope.cli;

import io.tlsscope.buildinfo.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** {@code tlsscope --version}: the version and commit this build was made from (details: {@code tlsscope version}). */
public class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        BuildInfo build = BuildInfo.current();
        return new String[] {"tlsscope " + build.version() + " (commit " + build.commit() + ")"};
    }
}

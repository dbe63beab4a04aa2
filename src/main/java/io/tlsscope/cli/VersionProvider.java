package io.tlsscope.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, "development" when run from classes. */
public class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"tlsscope " + (version == null ? "development" : version)};
    }
}

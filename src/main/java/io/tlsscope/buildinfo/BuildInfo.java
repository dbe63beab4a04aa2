package io.tlsscope.buildinfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * What this build is: the version, the git commit it was built from (and whether the tree had
 * uncommitted changes), when it was built, and the SHA-256 of the BPF object inside it. The first
 * three come from {@code /tlsscope-build.properties}, written by the build (src/main/build-info.sh); the hash is computed
 * from the object the tracer loads ({@code /bpf/tlsscope.bpf.o}), so it cannot disagree with it.
 */
public record BuildInfo(String version, String commit, boolean commitDirty, String buildDate, String bpfObjectSha256) {
    static final String PROPERTIES = "/tlsscope-build.properties";
    static final String BPF_OBJECT = "/bpf/tlsscope.bpf.o";
    private static final String UNKNOWN = "unknown";

    /** This build's facts; values the build could not know (no git tree) are "unknown". */
    public static BuildInfo current() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(PROPERTIES)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read " + PROPERTIES + ": " + e.getMessage(), e);
        }
        return new BuildInfo(known(properties, "version"), known(properties, "commit"),
                Boolean.parseBoolean(properties.getProperty("commit.dirty")), known(properties, "build.date"), hashBpfObject());
    }

    /** A value the build wrote (src/main/build-info.sh); a missing one reads as unknown. */
    private static String known(Properties properties, String key) {
        String value = properties.getProperty(key, "").strip();
        return value.isEmpty() ? UNKNOWN : value;
    }

    private static String hashBpfObject() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(BPF_OBJECT)) {
            if (in == null) {
                return "missing (" + BPF_OBJECT + " is not in this build)";
            }
            // the object is a few hundred KiB: read whole
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            return HexFormat.of().formatHex(digest);
        } catch (IOException e) {
            throw new UncheckedIOException("read " + BPF_OBJECT + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

package io.tlsscope.openssl;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** The known struct layouts (resource openssl/layouts.json) and which applies to a version. */
public final class OpenSslLayouts {
    private static final String RESOURCE = "/openssl/layouts.json";

    private record LayoutFile(String description, List<OpenSslLayout> layouts) {
    }

    private final List<OpenSslLayout> layouts;

    private OpenSslLayouts(List<OpenSslLayout> layouts) {
        this.layouts = List.copyOf(layouts);
    }

    public static OpenSslLayouts load() {
        try (InputStream in = OpenSslLayouts.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the application");
            }
            ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
            return new OpenSslLayouts(json.readValue(in, LayoutFile.class).layouts());
        } catch (IOException e) {
            throw new UncheckedIOException("read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** The layout whose [min, maxExclusive) range holds version. */
    public Optional<OpenSslLayout> forVersion(OpenSslVersion version) {
        return layouts.stream()
                .filter(layout -> version.compareTo(bound(layout.min())) >= 0
                        && version.compareTo(bound(layout.maxExclusive())) < 0)
                .findFirst();
    }

    public List<OpenSslLayout> all() {
        return layouts;
    }

    private static OpenSslVersion bound(String number) {
        return OpenSslVersion.parse("OpenSSL " + number + " ")
                .orElseThrow(() -> new IllegalStateException("bad version bound in " + RESOURCE + ": " + number));
    }
}

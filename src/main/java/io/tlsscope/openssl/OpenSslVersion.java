package io.tlsscope.openssl;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TLS library release as its version banner (OPENSSL_VERSION_TEXT or the fork's equivalent)
 * names it. Banner forms, from each project's headers:
 * <ul>
 * <li>OpenSSL: "OpenSSL 3.0.19 27 Jan 2026", "OpenSSL 1.1.1w  11 Sep 2023" (letter releases before 3.0)</li>
 * <li>quictls: "OpenSSL 3.0.13+quic 30 Jan 2024" (also what Node.js bundles)</li>
 * <li>LibreSSL: "LibreSSL 3.8.2"</li>
 * <li>BoringSSL: "OpenSSL 1.1.1 (compatible; BoringSSL)"</li>
 * </ul>
 */
public record OpenSslVersion(String text, TlsFamily family, int major, int minor, int patch, String letter)
        implements Comparable<OpenSslVersion> {
    /** Candidate strings in read-only data; {@link #parse} decides which are banners. */
    public static final Pattern CANDIDATE = Pattern.compile("(?:OpenSSL|LibreSSL) \\d+\\.\\d+\\.\\d+[^\\x00\\n]{0,60}");

    // numbers of at most four digits: the text comes from a file, and parseInt must not overflow
    private static final Pattern BORINGSSL = Pattern.compile("^OpenSSL (\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})() \\(compatible; BoringSSL\\)$");
    private static final Pattern LIBRESSL = Pattern.compile("^LibreSSL (\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})()$");
    private static final Pattern OPENSSL = Pattern.compile(
            "^OpenSSL (\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})([a-z]{0,2})(\\+quic)?(?:-[\\w.]+)? +\\d{1,2} [A-Z][a-z]{2} \\d{4}$");

    /** The banner's family and numbers; empty when text is no version banner. */
    public static Optional<OpenSslVersion> parse(String text) {
        String banner = text.strip();
        Matcher boring = BORINGSSL.matcher(banner);
        if (boring.matches()) {
            return Optional.of(of(banner, TlsFamily.BORINGSSL, boring));
        }
        Matcher libre = LIBRESSL.matcher(banner);
        if (libre.matches()) {
            return Optional.of(of(banner, TlsFamily.LIBRESSL, libre));
        }
        Matcher openssl = OPENSSL.matcher(banner);
        if (openssl.matches()) {
            return Optional.of(of(banner, openssl.group(5) != null ? TlsFamily.QUICTLS : TlsFamily.OPENSSL, openssl));
        }
        return Optional.empty();
    }

    /**
     * The release banner among candidate strings of one file. A BoringSSL or LibreSSL banner wins
     * over OpenSSL-looking text, which such builds also carry (e.g. in compatibility strings).
     */
    public static Optional<OpenSslVersion> bestOf(List<String> candidates) {
        List<OpenSslVersion> banners = candidates.stream().map(OpenSslVersion::parse).flatMap(Optional::stream).toList();
        return banners.stream().filter(version -> !version.family().hasOpenSslLayouts()).findFirst()
                .or(() -> banners.stream().findFirst());
    }

    /** A plain OpenSSL version number such as "3.2.0", for layout bounds. */
    public static OpenSslVersion number(String number) {
        Matcher matcher = Pattern.compile("^(\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})([a-z]{0,2})$").matcher(number);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a version number: " + number);
        }
        return of(number, TlsFamily.OPENSSL, matcher);
    }

    private static OpenSslVersion of(String text, TlsFamily family, Matcher matcher) {
        return new OpenSslVersion(text, family, Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)), matcher.group(4));
    }

    /** "1.1.1w", "3.0.19". */
    public String number() {
        return major + "." + minor + "." + patch + letter;
    }

    /** Numeric order; letters order 1.1.1 < 1.1.1a < 1.1.1w. */
    @Override
    public int compareTo(OpenSslVersion other) {
        int byNumber = Integer.compare(major, other.major);
        byNumber = byNumber != 0 ? byNumber : Integer.compare(minor, other.minor);
        byNumber = byNumber != 0 ? byNumber : Integer.compare(patch, other.patch);
        return byNumber != 0 ? byNumber : Integer.compare(letterRank(letter), letterRank(other.letter));
    }

    private static int letterRank(String letter) {
        int rank = 0;
        for (char c : letter.toCharArray()) {
            rank = rank * 27 + (c - 'a' + 1);
        }
        return rank;
    }
}

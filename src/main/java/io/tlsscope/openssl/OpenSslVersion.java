package io.tlsscope.openssl;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenSSL release as its version banner names it, e.g. "OpenSSL 3.0.19 27 Jan 2026" or
 * "OpenSSL 1.1.1w  11 Sep 2023" (letter releases before 3.0).
 */
public record OpenSslVersion(String text, int major, int minor, int patch, String letter)
        implements Comparable<OpenSslVersion> {
    /** The banner OPENSSL_VERSION_TEXT puts in libcrypto's (or a static binary's) read-only data. */
    public static final Pattern BANNER = Pattern.compile("OpenSSL (\\d+)\\.(\\d+)\\.(\\d+)([a-z]{0,2})(?= |-|$)[^\\x00]*");

    public static Optional<OpenSslVersion> parse(String text) {
        Matcher matcher = BANNER.matcher(text);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(new OpenSslVersion(matcher.group().trim(), Integer.parseInt(matcher.group(1)),
                Integer.parseInt(matcher.group(2)), Integer.parseInt(matcher.group(3)), matcher.group(4)));
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

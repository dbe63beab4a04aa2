package io.tlsscope.rules;

/**
 * The form of a statement rules match against most easily: ASCII lowercase, comments removed
 * (-- to end of line, and /* ... *&#47;, outside quotes), each run of whitespace one space, trimmed.
 * Quoted text is kept as written (lowercased), so 'DROP' inside a literal is still seen as text.
 */
final class SqlText {
    private SqlText() {
    }

    static String normalize(String statement) {
        if (statement == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(statement.length());
        char quote = 0;
        boolean space = false;
        for (int i = 0; i < statement.length(); i++) {
            char c = statement.charAt(i);
            if (quote != 0) {
                out.append(lower(c));
                if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '-' && i + 1 < statement.length() && statement.charAt(i + 1) == '-') {
                int end = statement.indexOf('\n', i);
                i = end < 0 ? statement.length() : end - 1;
                space = true;
                continue;
            }
            if (c == '/' && i + 1 < statement.length() && statement.charAt(i + 1) == '*') {
                int end = statement.indexOf("*/", i + 2);
                i = end < 0 ? statement.length() : end + 1;
                space = true;
                continue;
            }
            if (Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space && !out.isEmpty()) {
                out.append(' ');
            }
            space = false;
            if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            }
            out.append(lower(c));
        }
        return out.toString();
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}

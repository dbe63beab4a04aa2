package io.tlsscope.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parser for /proc/PID/maps (format: proc(5)). */
public final class ProcMaps {
    // start-end perms offset major:minor inode [path]
    private static final Pattern LINE = Pattern.compile(
            "^([0-9a-f]+-[0-9a-f]+)\\s+(\\S{4})\\s+[0-9a-f]+\\s+([0-9a-f]+):([0-9a-f]+)\\s+(\\d+)\\s*(.*)$");
    private static final String DELETED = " (deleted)";

    private ProcMaps() {
    }

    /** File-backed mappings of pid; empty when the process is gone or unreadable. */
    public static List<MappedFile> read(Path procRoot, int pid) {
        try {
            return parse(Files.readAllLines(procRoot.resolve(Integer.toString(pid)).resolve("maps")));
        } catch (IOException | java.io.UncheckedIOException processGoneOrDenied) {
            return List.of();
        }
    }

    public static List<MappedFile> parse(List<String> lines) {
        List<MappedFile> files = new ArrayList<>();
        for (String line : lines) {
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                continue;
            }
            long inode = Long.parseLong(matcher.group(5));
            String path = matcher.group(6);
            if (inode == 0 || !path.startsWith("/")) {
                continue; // anonymous, [heap], [vdso], ...
            }
            boolean deleted = path.endsWith(DELETED);
            files.add(new MappedFile(matcher.group(1), matcher.group(2),
                    new LibraryKey(Integer.parseInt(matcher.group(3), 16), Integer.parseInt(matcher.group(4), 16), inode),
                    deleted ? path.substring(0, path.length() - DELETED.length()) : path,
                    deleted));
        }
        return files;
    }
}

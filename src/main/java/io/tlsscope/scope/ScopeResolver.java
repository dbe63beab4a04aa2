package io.tlsscope.scope;

import io.tlsscope.discovery.LibraryKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a scope as written and resolves it to what the kernel compares: an executable path to its
 * file's device and inode, a cgroup path to the cgroup v2 id (the inode of its directory), a user
 * name to its uid. Every refusal names the value and says why, for a start-up log line or a 400.
 */
public final class ScopeResolver {
    /** Entries per list: the size of each rule map in the kernel (scope.h). */
    public static final int MAX_ENTRIES = 256;
    /** The kernel keeps 16 bytes of a process name, the last one the terminating NUL (TASK_COMM_LEN). */
    static final int MAX_COMM_BYTES = 15;

    private final Path passwd;
    private final Path mountInfo;

    /**
     * @param passwd    the user database read for names (numeric uids need none: users only in LDAP
     *                  or another NSS source are given by uid)
     * @param mountInfo where the cgroup v2 hierarchy is found (/proc/self/mountinfo)
     */
    public ScopeResolver(Path passwd, Path mountInfo) {
        this.passwd = passwd;
        this.mountInfo = mountInfo;
    }

    /** This host's user database and mounts. */
    public static ScopeResolver host() {
        return new ScopeResolver(Path.of("/etc/passwd"), Path.of("/proc/self/mountinfo"));
    }

    /** @throws ScopeException naming the first entry that cannot be used */
    public ResolvedScope resolve(ProcessScope scope) {
        checkSize("executables", scope.executables());
        checkSize("comms", scope.comms());
        checkSize("cgroups", scope.cgroups());
        checkSize("users", scope.users());
        Set<LibraryKey> executables = new HashSet<>();
        scope.executables().forEach(path -> executables.add(executable(path)));
        Set<String> comms = new HashSet<>();
        scope.comms().forEach(comm -> comms.add(comm(comm)));
        Set<Long> cgroups = new HashSet<>();
        if (!scope.cgroups().isEmpty()) {
            Path root = cgroupRoot();
            scope.cgroups().forEach(cgroup -> cgroups.add(cgroupId(root, cgroup)));
        }
        Set<Integer> uids = new HashSet<>();
        if (!scope.users().isEmpty()) {
            Map<String, Integer> byName = users();
            scope.users().forEach(user -> uids.add(uid(byName, user)));
        }
        return new ResolvedScope(scope, executables, comms, cgroups, uids);
    }

    private static void checkSize(String field, List<String> values) {
        if (values.size() > MAX_ENTRIES) {
            throw new ScopeException(field, field + ": at most " + MAX_ENTRIES + " entries, got " + values.size());
        }
    }

    private static LibraryKey executable(String written) {
        Path path = Path.of(written);
        if (!path.isAbsolute()) {
            throw new ScopeException("executables", "executable '" + written + "' is not an absolute path");
        }
        if (!Files.isRegularFile(path)) {
            throw new ScopeException("executables", "executable '" + written + "' is not a file on this host");
        }
        try {
            Map<String, Object> stat = Files.readAttributes(path, "unix:dev,ino");
            return LibraryKey.ofStat((Long) stat.get("dev"), (Long) stat.get("ino"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new ScopeException("executables", "executable '" + written + "' cannot be read: " + e.getMessage());
        }
    }

    private static String comm(String written) {
        int bytes = written.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_COMM_BYTES) {
            throw new ScopeException("comms", "comm '" + written + "' must be 1.." + MAX_COMM_BYTES
                    + " bytes, as /proc/PID/comm shows it (the kernel cuts longer process names)");
        }
        return written;
    }

    private static long cgroupId(Path root, String written) {
        if (!written.startsWith("/")) {
            throw new ScopeException("cgroups", "cgroup '" + written + "' is not a path from the cgroup v2 root, such as "
                    + "/system.slice/postgresql.service (see /proc/PID/cgroup)");
        }
        Path directory = root.resolve(written.substring(1)).normalize();
        if (!directory.startsWith(root) || !Files.isDirectory(directory)) {
            throw new ScopeException("cgroups", "cgroup '" + written + "' does not exist (no directory " + directory + ")");
        }
        try {
            // cgroup v2 ids are the kernfs inode numbers of the cgroups' directories
            return (Long) Files.getAttribute(directory, "unix:ino");
        } catch (IOException | UnsupportedOperationException e) {
            throw new ScopeException("cgroups", "cgroup '" + written + "' cannot be read: " + e.getMessage());
        }
    }

    /** The mount point of the cgroup v2 hierarchy (field 5 of the mountinfo line whose type is cgroup2). */
    private Path cgroupRoot() {
        Optional<Path> root = Optional.empty();
        try {
            root = Files.readAllLines(mountInfo).stream()
                    .filter(line -> line.contains(" - cgroup2 "))
                    .map(line -> Path.of(line.split(" ")[4]))
                    .findFirst();
        } catch (IOException e) {
            throw new ScopeException("cgroups", "cgroups cannot be resolved: " + mountInfo + ": " + e.getMessage());
        }
        return root.orElseThrow(() -> new ScopeException("cgroups", "cgroups cannot be used: no cgroup v2 hierarchy is mounted"));
    }

    private Map<String, Integer> users() {
        try {
            Map<String, Integer> byName = new HashMap<>();
            for (String line : Files.readAllLines(passwd)) {
                String[] fields = line.split(":");
                if (fields.length > 2 && fields[2].matches("\\d+")) {
                    byName.putIfAbsent(fields[0], Integer.parseUnsignedInt(fields[2]));
                }
            }
            return byName;
        } catch (IOException | NumberFormatException e) {
            throw new ScopeException("users", "users cannot be resolved: " + passwd + ": " + e.getMessage());
        }
    }

    private int uid(Map<String, Integer> byName, String written) {
        if (written.matches("\\d{1,10}")) {
            long uid = Long.parseLong(written);
            if (uid < 0xffffffffL) {
                return (int) uid;
            }
        }
        Integer uid = byName.get(written);
        if (uid == null) {
            throw new ScopeException("users", "user '" + written + "' is neither a uid nor a name in " + passwd);
        }
        return uid;
    }
}

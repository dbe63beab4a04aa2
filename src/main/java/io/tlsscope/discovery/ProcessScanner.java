package io.tlsscope.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the TLS libraries processes have mapped, by reading /proc: shared libssl by name, and the
 * process's own executable when it carries OpenSSL statically or is a Go program using crypto/tls.
 */
public final class ProcessScanner {
    /** Shared OpenSSL libssl under any soname version: libssl.so, libssl.so.3, libssl.so.1.1. */
    private static final Pattern LIBSSL = Pattern.compile("libssl\\.so(\\.\\d+)*");
    /** What the kernel appends to the path of a deleted file in maps and in the exe link. */
    private static final String DELETED = " (deleted)";

    private final Path procRoot;
    private final int selfPid;
    private final ExecutableClassifier executables = new ExecutableClassifier();

    public ProcessScanner(Path procRoot, int selfPid) {
        this.procRoot = procRoot;
        this.selfPid = selfPid;
    }

    /** Every process id in /proc except this service's own. */
    public List<Integer> pids() {
        try (Stream<Path> entries = Files.list(procRoot)) {
            return entries.map(path -> path.getFileName().toString())
                    .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
                    .map(Integer::parseInt)
                    .filter(pid -> pid != selfPid)
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("list " + procRoot + ": " + e.getMessage(), e);
        }
    }

    /** The TLS libraries pid maps, one per inode; empty for this service or a vanished process. */
    public List<LibraryMapping> tlsLibraries(int pid) {
        if (pid == selfPid) {
            return List.of();
        }
        Map<LibraryKey, MappedFile> byInode = new LinkedHashMap<>();
        Optional<String> executable = executablePath(pid);
        MappedFile executableFile = null;
        for (MappedFile file : ProcMaps.read(procRoot, pid)) {
            if (isTlsLibrary(file.path())) {
                byInode.putIfAbsent(file.key(), file);
            } else if (executableFile == null && executable.isPresent() && executable.get().equals(file.path())) {
                executableFile = file;
            }
        }
        List<LibraryMapping> mappings = new ArrayList<>();
        byInode.values().forEach(file -> openable(pid, file)
                .ifPresent(open -> mappings.add(new LibraryMapping(pid, file, open.path(), open.version(), LibraryKind.OPENSSL))));
        if (executableFile != null) {
            MappedFile file = executableFile;
            openable(pid, file).ifPresent(open -> executables.classify(file.key(), open.version(), open.path())
                    .ifPresent(kind -> mappings.add(new LibraryMapping(pid, file, open.path(), open.version(), kind))));
        }
        return mappings;
    }

    /**
     * The executable's path as the process sees it, as /proc/PID/maps names it too; empty for
     * kernel threads and vanished processes.
     */
    private Optional<String> executablePath(int pid) {
        try {
            String target = Files.readSymbolicLink(procRoot.resolve(pid + "/exe")).toString();
            return Optional.of(target.endsWith(DELETED) ? target.substring(0, target.length() - DELETED.length()) : target);
        } catch (IOException | UnsupportedOperationException | SecurityException unreadable) {
            return Optional.empty();
        }
    }

    static boolean isTlsLibrary(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return LIBSSL.matcher(name).matches();
    }

    /** A path this service can open to reach the very inode a process maps, and the file's version. */
    private record Openable(Path path, FileVersion version) {
    }

    /**
     * A path to the very inode pid maps: its own root first (works across mount namespaces and
     * shows a readable path), then map_files (works for deleted files). Checked by device and
     * inode; the file's current version is read from the same stat.
     */
    private Optional<Openable> openable(int pid, MappedFile file) {
        Path processDir = procRoot.resolve(Integer.toString(pid));
        List<Path> candidates = new ArrayList<>();
        if (!file.deleted()) {
            candidates.add(processDir.resolve("root").resolve(file.path().substring(1)));
        }
        candidates.add(processDir.resolve("map_files").resolve(file.addressRange()));
        for (Path candidate : candidates) {
            Optional<FileVersion> version = versionIfSameInode(candidate, file.key());
            if (version.isPresent()) {
                return Optional.of(new Openable(candidate, version.get()));
            }
        }
        return Optional.empty();
    }

    private static Optional<FileVersion> versionIfSameInode(Path candidate, LibraryKey key) {
        try {
            Map<String, Object> attributes = Files.readAttributes(candidate, "unix:dev,ino,size,lastModifiedTime");
            if ((Long) attributes.get("ino") != key.inode() || (Long) attributes.get("dev") != key.deviceNumber()) {
                return Optional.empty();
            }
            FileTime modified = (FileTime) attributes.get("lastModifiedTime");
            return Optional.of(new FileVersion((Long) attributes.get("size"), modified.to(TimeUnit.NANOSECONDS)));
        } catch (IOException | UnsupportedOperationException | SecurityException unreadable) {
            return Optional.empty();
        }
    }
}

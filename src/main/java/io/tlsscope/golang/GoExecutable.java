package io.tlsscope.golang;

import io.tlsscope.elf.ElfBinary;
import io.tlsscope.elf.ElfException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Go executable as the tracer sees it: build facts, the calling convention, and where
 * crypto/tls.(*Conn).Read and Write start and return, found through .symtab or, when stripped,
 * through the pclntab; their RET instructions found by decoding every instruction of the function.
 *
 * @param buildId     the Go build id (.note.go.buildid)
 * @param registerAbi Go 1.17+ on amd64 passes arguments and results in registers
 * @param connLayout  where the build keeps a connection's fd: from its own DWARF when it has any,
 *                    else from the table for its Go version; null when neither knows
 */
public record GoExecutable(String buildId, GoBuildInfo buildInfo, boolean positionIndependent, boolean registerAbi,
                           String functionTable, List<TlsFunction> tlsFunctions, GoConnLayout connLayout) {
    public static final String READ = "crypto/tls.(*Conn).Read";
    public static final String WRITE = "crypto/tls.(*Conn).Write";
    /** The Go build id note: owner "Go", type 4 (cmd/internal/buildid). */
    private static final int NOTE_GO_BUILD_ID = 4;
    /** At most four digits each: the version comes from the binary, and parseInt must not overflow. */
    private static final Pattern GO_VERSION = Pattern.compile("^go(\\d{1,4})\\.(\\d{1,4})(?!\\d)");
    /** crypto/tls's Read and Write are a few KiB of code; a larger extent is not one of them. */
    private static final long MAX_FUNCTION_BYTES = 1 << 20;

    /**
     * One probed function.
     *
     * @param foundVia   "symtab" or "pclntab 1.20" (the table format)
     * @param entryOffset file offset of the entry (what a uprobe attaches at)
     * @param returnOffsets file offsets of every RET
     */
    public record TlsFunction(String name, long address, long size, String foundVia, long entryOffset,
                              List<Long> returnOffsets, int instructions) {
    }

    /** Empty when elf is no Go executable; fails when it is one whose Go structures cannot be read. */
    public static Optional<GoExecutable> inspect(ElfBinary elf) throws ElfException {
        Optional<GoBuildInfo> buildInfo = GoBuildInfo.read(elf);
        Optional<byte[]> buildId = elf.note("Go", NOTE_GO_BUILD_ID);
        if (buildInfo.isEmpty() && buildId.isEmpty()) {
            return Optional.empty();
        }
        Optional<GoFunctionTable> table = GoFunctionTable.find(elf);
        List<TlsFunction> functions = new ArrayList<>();
        for (String name : List.of(WRITE, READ)) {
            locate(elf, table, name).ifPresent(functions::add);
        }
        Optional<GoConnLayout> connLayout = GoDwarf.connLayout(elf);
        if (connLayout.isEmpty()) {
            connLayout = buildInfo.flatMap(info -> GoConnLayouts.builtIn().forVersion(info.goVersion()));
        }
        return Optional.of(new GoExecutable(
                buildId.map(bytes -> new String(bytes, StandardCharsets.UTF_8).replace("\0", "")).orElse(null),
                buildInfo.orElse(null),
                elf.isPositionIndependent(),
                buildInfo.map(info -> registerAbi(info.goVersion())).orElse(true),
                table.map(found -> "pclntab " + found.format() + " in " + found.foundIn()).orElse(null),
                List.copyOf(functions),
                connLayout.orElse(null)));
    }

    /** Go 1.17 introduced the register ABI on amd64. */
    static boolean registerAbi(String goVersion) {
        Matcher version = GO_VERSION.matcher(goVersion);
        return !version.find() || Integer.parseInt(version.group(1)) > 1 || Integer.parseInt(version.group(2)) >= 17;
    }

    public Optional<TlsFunction> function(String name) {
        return tlsFunctions.stream().filter(function -> function.name().equals(name)).findFirst();
    }

    private static Optional<TlsFunction> locate(ElfBinary elf, Optional<GoFunctionTable> table, String name)
            throws ElfException {
        Optional<ElfBinary.Symbol> symbol = elf.function(name).filter(found -> found.size() > 0);
        if (symbol.isPresent()) {
            return withReturns(elf, name, symbol.get().address(), symbol.get().size(), "symtab");
        }
        Optional<GoFunctionTable.Function> function = table.isPresent() ? table.get().function(name) : Optional.empty();
        return function.isPresent() ? withReturns(elf, name, function.get().entry(), function.get().end() - function.get().entry(),
                "pclntab " + table.get().format()) : Optional.empty();
    }

    private static Optional<TlsFunction> withReturns(ElfBinary elf, String name, long address, long size, String via)
            throws ElfException {
        long entryOffset = elf.fileOffsetOf(address).orElse(-1);
        if (entryOffset < 0 || size <= 0 || size > MAX_FUNCTION_BYTES) {
            return Optional.empty();
        }
        byte[] code = elf.bytes(entryOffset, size, name).copy(0, size);
        List<Long> returns = new ArrayList<>();
        int instructions = 0;
        for (int offset = 0; offset < code.length; instructions++) {
            int length;
            try {
                length = X86InstructionLength.at(code, offset);
            } catch (IllegalArgumentException cutShort) {
                throw new ElfException("read ELF " + elf.path() + ": " + name + " (" + via + "): the instruction at +0x"
                        + Integer.toHexString(offset) + " runs past the function's " + size + " bytes", cutShort);
            }
            if (isReturn(code, offset, length)) {
                returns.add(entryOffset + offset);
            }
            offset += length;
        }
        return Optional.of(new TlsFunction(name, address, size, via, entryOffset, List.copyOf(returns), instructions));
    }

    /** RET (C3) or RET imm16 (C2), possibly behind prefixes (REP RET): the last opcode byte decides. */
    private static boolean isReturn(byte[] code, int offset, int length) {
        int last = offset;
        while (last < offset + length - 1 && isPrefix(Byte.toUnsignedInt(code[last]))) {
            last++;
        }
        int opcode = Byte.toUnsignedInt(code[last]);
        return (opcode == 0xC3 && last == offset + length - 1) || (opcode == 0xC2 && last == offset + length - 3);
    }

    private static boolean isPrefix(int value) {
        return value == 0xF3 || value == 0xF2 || value == 0x66 || value == 0x2E || value == 0x3E;
    }
}

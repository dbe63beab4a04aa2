package io.tlsscope.golang;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The Go part of {@code tlsscope inspect}: build facts, calling convention, and for each probed
 * function its address, how it was found, and the RET instructions the decoder found.
 *
 * @param abi        "register" (Go 1.17+) or "stack"
 * @param connLayout the Go connection layout the kernel will read the fd with: "dwarf" (read from
 *                   the binary) or a table entry such as "go-1.9"; null when none is known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GoInspectReport(String goVersion, String mainPath, String mainModule, Map<String, String> buildSettings,
                              String buildId, boolean positionIndependent, String abi, String functionTable,
                              String connLayout, List<Function> functions) {

    /** Addresses and file offsets in hex, as objdump and readelf print them. */
    public record Function(String name, String address, String entryFileOffset, String size, String foundVia,
                           List<String> returnFileOffsets, int instructionsDecoded, String returnsFoundBy) {
    }

    public static GoInspectReport of(GoExecutable go) {
        GoBuildInfo info = go.buildInfo();
        String version = info == null ? null : info.goVersion();
        return new GoInspectReport(
                version,
                info == null ? null : info.mainPath(),
                info == null ? null : info.mainModule(),
                info == null ? null : info.settings(),
                go.buildId(),
                go.positionIndependent(),
                go.registerAbi() ? "register" : "stack",
                go.functionTable(),
                go.connLayout() == null ? null : go.connLayout().name(),
                go.tlsFunctions().stream().map(function -> new Function(function.name(), hex(function.address()),
                        hex(function.entryOffset()), hex(function.size()), function.foundVia(),
                        function.returnOffsets().stream().map(GoInspectReport::hex).toList(), function.instructions(),
                        "decoding all " + function.instructions() + " instructions (X86InstructionLength)")).toList());
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}

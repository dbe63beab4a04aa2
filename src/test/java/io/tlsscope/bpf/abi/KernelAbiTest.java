package io.tlsscope.bpf.abi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java mirror must agree with src/main/bpf/tlsscope.h: sizes against the header's static
 * asserts, and every field's offset and size against what the C compiler makes of the header.
 */
class KernelAbiTest {
    private static final Path HEADER = Path.of("src/main/bpf/tlsscope.h");
    private static final Map<String, StructLayout> MIRRORS = Map.ofEntries(
                Map.entry("tlsscope_tuple", KernelAbi.TUPLE),
                Map.entry("tlsscope_tls_data_event", KernelAbi.TLS_DATA_EVENT),
                Map.entry("tlsscope_process_event", KernelAbi.PROCESS_EVENT),
                Map.entry("tlsscope_connection_event", KernelAbi.CONNECTION_EVENT),
                Map.entry("tlsscope_conn_key", KernelAbi.CONN_KEY),
                Map.entry("tlsscope_conn", KernelAbi.CONN),
                Map.entry("tlsscope_layout", KernelAbi.LAYOUT),
                Map.entry("tlsscope_layout_choice", KernelAbi.LAYOUT_CHOICE),
                Map.entry("tlsscope_set_fds", KernelAbi.SET_FDS),
                Map.entry("tlsscope_go_layout", KernelAbi.GO_LAYOUT),
                Map.entry("tlsscope_library_calls", KernelAbi.LIBRARY_CALLS),
                Map.entry("tlsscope_scope_settings", KernelAbi.SCOPE_SETTINGS),
                Map.entry("tlsscope_file_id", KernelAbi.FILE_ID),
                Map.entry("tlsscope_config", KernelAbi.CONFIG));

    @Test
    void structSizesMatchTheHeaderStaticAsserts() throws IOException {
        Matcher asserts = Pattern.compile("_Static_assert\\(sizeof\\(struct (\\w+)\\) == (\\d+)")
                .matcher(Files.readString(HEADER));
        Map<String, Long> declared = new LinkedHashMap<>();
        while (asserts.find()) {
            declared.put(asserts.group(1), Long.parseLong(asserts.group(2)));
        }
        assertThat(declared.keySet()).containsExactlyInAnyOrderElementsOf(MIRRORS.keySet());
        declared.forEach((struct, size) ->
                assertThat(MIRRORS.get(struct).byteSize()).as("sizeof(struct %s)", struct).isEqualTo(size));
    }

    /**
     * Every named field of every mirror, at the offset and with the size the Java layout gives it,
     * as _Static_asserts that the C compiler checks against the header: a swapped, resized or
     * moved field fails here, not in the kernel.
     */
    @Test
    void everyFieldSitsWhereTheCompilerPutsIt(@TempDir Path work) throws IOException, InterruptedException {
        StringBuilder checks = new StringBuilder("#include <stddef.h>\n#include <linux/types.h>\n#include \"")
                .append(HEADER.toAbsolutePath()).append("\"\n");
        int fields = 0;
        for (Map.Entry<String, StructLayout> mirror : MIRRORS.entrySet()) {
            for (MemoryLayout member : mirror.getValue().memberLayouts()) {
                if (member.name().isEmpty()) {
                    continue; // padding: the C side names it or not, only the named fields' places matter
                }
                String field = member.name().get();
                long offset = mirror.getValue().byteOffset(MemoryLayout.PathElement.groupElement(field));
                checks.append("_Static_assert(offsetof(struct %s, %s) == %d, \"%s.%s at %d\");\n"
                        .formatted(mirror.getKey(), field, offset, mirror.getKey(), field, offset));
                checks.append("_Static_assert(sizeof(((struct %s *)0)->%s) == %d, \"%s.%s of %d bytes\");\n"
                        .formatted(mirror.getKey(), field, member.byteSize(), mirror.getKey(), field, member.byteSize()));
                fields++;
            }
        }
        assertThat(fields).as("named fields checked").isGreaterThan(40);
        Path source = work.resolve("abi-check.c");
        Files.writeString(source, checks);
        Process compiler = new ProcessBuilder("cc", "-fsyntax-only", "-Wall", source.toString()).redirectErrorStream(true).start();
        String output = new String(compiler.getInputStream().readAllBytes());
        assertThat(compiler.waitFor()).as("the C compiler on the mirror's asserts:%n%s", output).isZero();
    }

    @Test
    void counterIndexesMatchTheHeaderEnum() throws IOException {
        Map<String, Integer> slots = enumValues("tlsscope_counter", "TLSSCOPE_CTR_");
        assertThat(slots.remove("COUNT")).isEqualTo(KernelCounter.values().length);
        assertThat(slots).hasSize(KernelCounter.values().length);
        for (KernelCounter counter : KernelCounter.values()) {
            assertThat(slots.get(counter.name())).as(counter.name()).isEqualTo(counter.index());
        }
    }

    @Test
    void fdMethodsAndFunctionsMatchTheHeaderEnums() throws IOException {
        enumValues("tlsscope_fd_method", "TLSSCOPE_FD_").forEach((name, value) ->
                assertThat(FdMethod.fromValue(value).name()).isEqualTo(name));
        enumValues("tlsscope_function", "TLSSCOPE_FUNCTION_").forEach((name, value) ->
                assertThat(SslFunction.fromValue(value).name()).isEqualTo(name));
        enumValues("tlsscope_event_type", "TLSSCOPE_EVENT_").forEach((name, value) ->
                assertThat(EventType.fromValue(value).name()).isEqualTo(name));
    }

    @Test
    void constantsMatchTheHeaderDefines() throws IOException {
        Map<String, Integer> defines = new LinkedHashMap<>();
        Matcher define = Pattern.compile("#define TLSSCOPE_(\\w+) \\(?(\\d+)").matcher(Files.readString(HEADER));
        while (define.find()) {
            defines.put(define.group(1), Integer.parseInt(define.group(2)));
        }
        assertThat(defines).containsEntry("COMM_LEN", KernelAbi.COMM_LEN)
                .containsEntry("CHUNK_DATA_MAX", KernelAbi.CHUNK_DATA_MAX)
                .containsEntry("MAX_CHUNKS_PER_CALL", KernelAbi.MAX_CHUNKS_PER_CALL)
                .containsEntry("MAX_LAYOUTS", KernelAbi.MAX_LAYOUTS)
                .containsEntry("LAYOUT_NONE", KernelAbi.LAYOUT_NONE)
                .containsEntry("LIBRARY_SLOTS", KernelAbi.LIBRARY_SLOTS);
        assertThat(enumValues("tlsscope_layout_choice_flags", "TLSSCOPE_LAYOUT_")).containsEntry("FORCED", KernelAbi.LAYOUT_FORCED);
        assertThat(enumValues("tlsscope_scope_mode", "TLSSCOPE_SCOPE_")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "EVERYTHING", KernelAbi.SCOPE_EVERYTHING, "CHOSEN", KernelAbi.SCOPE_CHOSEN, "CHANGING", KernelAbi.SCOPE_CHANGING));
    }

    private static Map<String, Integer> enumValues(String enumName, String prefix) throws IOException {
        String header = Files.readString(HEADER);
        int start = header.indexOf("enum " + enumName + " {");
        String body = header.substring(start, header.indexOf("};", start));
        Matcher entries = Pattern.compile(prefix + "(\\w+)\\s*=\\s*(\\d+)").matcher(body);
        Map<String, Integer> values = new LinkedHashMap<>();
        while (entries.find()) {
            values.put(entries.group(1), Integer.parseInt(entries.group(2)));
        }
        assertThat(values).as("enum %s entries", enumName).isNotEmpty();
        return values;
    }
}
